/**
 * Waiting until new topics are usable: createTopics resolves only once every storage node that
 * answers shows each partition of the new topics with a leader in its Metadata, and each leader
 * actually serves the partition (a ListOffsets answers NONE: nodes apply metadata asynchronously,
 * so a node may list itself as leader a moment before it opens the log). A Producer or Consumer
 * created right after then finds the topic and can use it, whichever node it bootstraps from.
 *
 * Nodes that do not answer are skipped: they cannot hand out stale metadata either. Polls with
 * the client's backoff until ready or the call's deadline (then REQUEST_TIMED_OUT naming what is
 * still missing).
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, storage } from '@samsa/proto';
import { unary } from '../connection/grpc-call.js';
import { backoffMs } from '../connection/retry.js';
import { withDeadline, type AdminContext } from './admin-context.js';

export interface ExpectedTopic {
  readonly name: string;
  readonly numPartitions: number;
}

/** Leader of each partition as one node's Metadata shows it, or what is missing. Pure. */
export function leadersFromMetadata(response: storage.MetadataResponse, topics: readonly ExpectedTopic[]): { leaders: Map<string, number>; missing: string[] } {
  const leaders = new Map<string, number>();
  const missing: string[] = [];
  for (const expected of topics) {
    const topic = response.topics.find((candidate) => candidate.name === expected.name);
    if (!topic || topic.errorCode !== ErrorCode.NONE) {
      missing.push(`topic ${expected.name} is not in the metadata yet`);
      continue;
    }
    for (let partition = 0; partition < expected.numPartitions; partition++) {
      const state = topic.partitions.find((candidate) => candidate.partition === partition);
      if (!state || state.leaderId < 0) missing.push(`${expected.name}-${partition} has no leader yet`);
      else leaders.set(`${expected.name}\u0000${partition}`, state.leaderId);
    }
  }
  return { leaders, missing };
}

/** What still keeps the topics from being usable; empty when ready. */
async function stillMissing(context: AdminContext, topics: readonly ExpectedTopic[], deadlineMs: number): Promise<string[]> {
  const { connection } = context;
  const view = await withDeadline(connection.metadata({ force: true }), deadlineMs, 'refreshing metadata');
  const names = topics.map((topic) => topic.name);
  const answers = await Promise.all(
    [...view.nodes.values()].map(async (node) => {
      const client = connection.storageAt(node.address);
      const response = await unary(client, client.metadata, storage.MetadataRequest.fromPartial({ topics: names }), context.attemptTimeoutMs(deadlineMs)).catch(() => undefined);
      return response && { node: node.nodeId, ...leadersFromMetadata(response, topics) };
    }),
  );
  const missing: string[] = [];
  const leaders = new Map<string, number>();
  for (const answer of answers) {
    if (!answer) continue;
    missing.push(...answer.missing.map((problem) => `${problem} on node ${answer.node}`));
    for (const [key, leader] of answer.leaders) leaders.set(key, leader);
  }
  if (missing.length > 0 || leaders.size === 0) return missing.length > 0 ? missing : ['no storage node answered'];
  return notServing(context, leaders, deadlineMs);
}

/** Partitions whose leader does not serve them yet (one ListOffsets per leader). */
async function notServing(context: AdminContext, leaders: ReadonlyMap<string, number>, deadlineMs: number): Promise<string[]> {
  const byLeader = new Map<number, Array<{ topic: string; partition: number }>>();
  for (const [key, leader] of leaders) {
    const [topic = '', partition = '0'] = key.split('\u0000');
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), { topic, partition: Number(partition) }]);
  }
  const problems = await Promise.all(
    [...byLeader].map(async ([leader, partitions]): Promise<string[]> => {
      const topics = [...new Set(partitions.map((p) => p.topic))].map((topic) => ({
        topic,
        partitions: partitions.filter((p) => p.topic === topic).map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, timestampMs: -1 })),
      }));
      try {
        const client = context.connection.storage(leader);
        const response = await unary(client, client.listOffsets, storage.ListOffsetsRequest.fromPartial({ replicaId: -1, topics }), context.attemptTimeoutMs(deadlineMs));
        return response.topics.flatMap((topic) => topic.partitions.filter((p) => p.errorCode !== ErrorCode.NONE).map((p) => `${topic.topic}-${p.partition} is not served by its leader ${leader} yet`));
      } catch {
        return [`leader ${leader} did not answer`];
      }
    }),
  );
  return problems.flat();
}

/** Resolves once `topics` are usable (see the header), or throws REQUEST_TIMED_OUT at `deadlineMs`. */
export async function awaitTopicsReady(context: AdminContext, topics: readonly ExpectedTopic[], deadlineMs: number): Promise<void> {
  if (topics.length === 0) return;
  for (let attempt = 0; ; attempt++) {
    const missing = await stillMissing(context, topics, deadlineMs);
    if (missing.length === 0) return;
    const wait = backoffMs(attempt, context.connection.config);
    if (Date.now() + wait >= deadlineMs) {
      const shown = missing.slice(0, 5).join('; ') + (missing.length > 5 ? `; and ${missing.length - 5} more` : '');
      throw new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `topics ${topics.map((topic) => topic.name).join(', ')} were created but are not usable before the deadline: ${shown}`);
    }
    await context.connection.sleep(wait);
  }
}
