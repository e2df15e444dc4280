/**
 * Topic administration: createTopics, deleteTopics and createPartitions go to the controller (the
 * source of truth; per-topic results, partial success possible); listTopics and describeTopics
 * read the storage nodes' Metadata, as Kafka's AdminClient does. Per-topic errors are final (the
 * controller has judged them); only whole-call failures are retried.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import type { TopicInfo } from '../connection/cluster-metadata.js';
import { unary } from '../connection/grpc-call.js';
import { withDeadline, type AdminContext } from './admin-context.js';
import { itemError, valuesOrThrow, type Outcome } from './admin-errors.js';
import type { AdminCallOptions, CreatedPartitions, CreatedTopic, CreatePartitionsOptions, CreateTopicsOptions, DeletedTopic, ListTopicsOptions, NewTopic } from './admin-types.js';
import { awaitTopicsReady } from './topic-readiness.js';

export const topicLabel = (key: { topic: string }): string => `topic ${key.topic}`;
const topicKey = (topic: string): { topic: string } => ({ topic });

/** The wire form of a new topic: unset counts become -1 (the cluster default). Pure. */
export function creatableTopic(topic: NewTopic): controller.CreatableTopic {
  if (typeof topic?.topic !== 'string') throw new SamsaError(ErrorCode.INVALID_REQUEST, `createTopics: not a topic: ${JSON.stringify(topic)}`);
  return controller.CreatableTopic.fromPartial({
    name: topic.topic,
    numPartitions: topic.numPartitions ?? -1,
    replicationFactor: topic.replicationFactor ?? -1,
    assignments: (topic.replicaAssignment ?? []).map((assignment) => ({ partition: assignment.partition, replicas: [...assignment.replicas] })),
    configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
  });
}

/** The outcome of one per-item controller answer. */
function outcomeOf<T>(label: string, errorCode: ErrorCode, errorMessage: string, value: () => T): Outcome<T> {
  return errorCode === ErrorCode.NONE ? { ok: true, value: value() } : { ok: false, error: itemError(label, errorCode, errorMessage) };
}

/** Answers matched to requested names (the controller answers in request order, with the names). */
function inRequestOrder<R extends { name: string }>(names: readonly string[], results: readonly R[]): Array<R | undefined> {
  return names.map((name, index) => (results[index]?.name === name ? results[index] : results.find((result) => result.name === name)));
}

const noAnswer = (topic: string): Outcome<never> => ({ ok: false, error: itemError(topicLabel({ topic }), ErrorCode.UNKNOWN_SERVER_ERROR, 'the controller did not answer for the topic') });

export async function createTopics(context: AdminContext, topics: readonly NewTopic[], input: CreateTopicsOptions | undefined): Promise<CreatedTopic[]> {
  const options = context.options('createTopics', { validateOnly: { kind: 'bool', default: false }, waitForLeaders: { kind: 'bool', default: true } }, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  const creatable = topics.map(creatableTopic);
  if (creatable.length === 0) return [];
  const response = await context.controller(
    (client, timeoutMs) =>
      unary(client, client.createTopics, controller.CreateTopicsRequest.fromPartial({ topics: creatable, validateOnly: options.validateOnly, timeoutMs: context.serverTimeoutMs(timeoutMs) }), timeoutMs),
    deadlineMs,
  );
  const names = creatable.map((topic) => topic.name);
  const outcomes = inRequestOrder(names, response.topics).map((result, index): Outcome<CreatedTopic> => {
    if (!result) return noAnswer(names[index] as string);
    return outcomeOf(topicLabel({ topic: result.name }), result.errorCode, result.errorMessage, () => ({
      topic: result.name,
      topicId: result.topicId,
      numPartitions: result.numPartitions,
      replicationFactor: result.replicationFactor,
    }));
  });
  const created = valuesOrThrow('createTopics', names.map(topicKey), outcomes, topicLabel);
  if (!options.validateOnly && options.waitForLeaders) {
    await awaitTopicsReady(context, created.map((topic) => ({ name: topic.topic, numPartitions: topic.numPartitions })), deadlineMs);
  }
  context.connection.invalidate();
  return created;
}

export async function deleteTopics(context: AdminContext, names: readonly string[], input: AdminCallOptions | undefined): Promise<DeletedTopic[]> {
  const options = context.options('deleteTopics', {}, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  if (names.length === 0) return [];
  const response = await context.controller(
    (client, timeoutMs) =>
      unary(client, client.deleteTopics, controller.DeleteTopicsRequest.fromPartial({ topics: names.map((name) => ({ name })), timeoutMs: context.serverTimeoutMs(timeoutMs) }), timeoutMs),
    deadlineMs,
  );
  context.connection.invalidate();
  const outcomes = inRequestOrder(names, response.topics).map((result, index): Outcome<DeletedTopic> => {
    if (!result) return noAnswer(names[index] as string);
    return outcomeOf(topicLabel({ topic: result.name }), result.errorCode, result.errorMessage, () => ({ topic: result.name, topicId: result.topicId }));
  });
  return valuesOrThrow('deleteTopics', names.map(topicKey), outcomes, topicLabel);
}

/** Kafka's createPartitions: `{ topic: newTotalCount }`. */
export async function createPartitions(context: AdminContext, counts: Readonly<Record<string, number>>, input: CreatePartitionsOptions | undefined): Promise<CreatedPartitions[]> {
  const options = context.options('createPartitions', { validateOnly: { kind: 'bool', default: false }, waitForLeaders: { kind: 'bool', default: true } }, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  const entries = Object.entries(counts);
  const malformed = entries.filter(([, count]) => !Number.isSafeInteger(count) || count < 1);
  if (malformed.length > 0) throw new SamsaError(ErrorCode.INVALID_PARTITIONS, `createPartitions: the new total must be a whole number >= 1: ${malformed.map(([topic, count]) => `${topic} → ${count}`).join(', ')}`);
  if (entries.length === 0) return [];
  const request = controller.CreatePartitionsRequest.fromPartial({ topics: entries.map(([name, count]) => ({ name, count })), validateOnly: options.validateOnly });
  const response = await context.controller(
    (client, timeoutMs) => unary(client, client.createPartitions, { ...request, timeoutMs: context.serverTimeoutMs(timeoutMs) }, timeoutMs),
    deadlineMs,
  );
  context.connection.invalidate();
  const names = entries.map(([name]) => name);
  const outcomes = inRequestOrder(names, response.topics).map((result, index): Outcome<CreatedPartitions> => {
    if (!result) return noAnswer(names[index] as string);
    return outcomeOf(topicLabel({ topic: result.name }), result.errorCode, result.errorMessage, () => ({ topic: result.name, totalCount: counts[result.name] as number }));
  });
  const grown = valuesOrThrow('createPartitions', names.map(topicKey), outcomes, topicLabel);
  if (!options.validateOnly && options.waitForLeaders) {
    await awaitTopicsReady(context, grown.map((topic) => ({ name: topic.topic, numPartitions: topic.totalCount })), deadlineMs);
  }
  return grown;
}

export async function listTopics(context: AdminContext, input: ListTopicsOptions | undefined): Promise<string[]> {
  const options = context.options('listTopics', { includeInternal: { kind: 'bool', default: false } }, input);
  const view = await withDeadline(context.connection.metadata({ force: true }), context.deadline(options.timeoutMs), 'listing topics');
  return [...view.topics.values()]
    .filter((topic) => options.includeInternal || !topic.isInternal)
    .map((topic) => topic.name)
    .sort();
}

/** Partitions with leader, epoch, replicas, ISR and offline replicas, as the storage nodes' metadata shows them. */
export async function describeTopics(context: AdminContext, names: readonly string[], input: AdminCallOptions | undefined): Promise<TopicInfo[]> {
  const options = context.options('describeTopics', {}, input);
  if (names.length === 0) return [];
  const view = await withDeadline(context.connection.metadata({ force: true }), context.deadline(options.timeoutMs), 'describing topics');
  const outcomes = names.map((name): Outcome<TopicInfo> => {
    const topic = view.topics.get(name);
    return topic ? { ok: true, value: topic } : { ok: false, error: itemError(topicLabel({ topic: name }), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'the topic does not exist') };
  });
  return valuesOrThrow('describeTopics', names.map(topicKey), outcomes, topicLabel);
}
