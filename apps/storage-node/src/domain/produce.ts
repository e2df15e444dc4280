/**
 * Produce (unary and streamed): every partition of a request is appended independently and
 * answered with its own error code (partial success is normal). Batches are opaque bytes: the log
 * checks headers and CRCs and assigns offsets in place; nothing here decodes records.
 * acks=0/1 answer after the local append; acks=-1 (all) waits until the high watermark passes
 * the batch, bounded by the request's timeout (REQUEST_TIMED_OUT).
 */
import { isSamsaError, type Clock, type Logger } from '@samsa/common';
import { ErrorCode, type storage } from '@samsa/proto';
import type { ReplicaManager } from './replica-manager.js';

export interface ProduceContext {
  replicas: ReplicaManager;
  clock: Clock;
  logger: Logger;
  /** Where the leader of a partition is, for NOT_LEADER_OR_FOLLOWER answers. */
  leaderHint(topic: string, partition: number): storage.LeaderHint | undefined;
  /** Whether the topic exists in the metadata (UNKNOWN_TOPIC_OR_PARTITION otherwise). */
  topicExists(topic: string): boolean;
}

export interface ProduceInput {
  acks: number;
  timeoutMs: number;
  topics: readonly storage.ProduceTopicData[];
}

type Result = storage.ProducePartitionResult;

const failed = (partition: number, errorCode: ErrorCode, errorMessage: string, currentLeader?: storage.LeaderHint): Result => ({
  partition,
  errorCode,
  errorMessage,
  baseOffset: -1,
  logAppendTimeMs: -1,
  logStartOffset: -1,
  currentLeader,
  recordErrors: [],
});

export async function produce(input: ProduceInput, context: ProduceContext): Promise<storage.ProduceTopicResult[]> {
  return Promise.all(
    input.topics.map(async (topicData) => ({
      topic: topicData.topic,
      partitions: await Promise.all(topicData.partitions.map((data) => producePartition(topicData.topic, data, input, context))),
    })),
  );
}

async function producePartition(topic: string, data: storage.ProducePartitionData, input: ProduceInput, context: ProduceContext): Promise<Result> {
  if (![0, 1, -1].includes(input.acks)) return failed(data.partition, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be 0, 1 or -1, got ${input.acks}`);
  const partition = context.replicas.get(topic, data.partition);
  if (!partition) {
    return context.topicExists(topic)
      ? failed(data.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER, `this node does not host ${topic}-${data.partition}`, context.leaderHint(topic, data.partition))
      : failed(data.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic or partition ${topic}-${data.partition}`);
  }
  try {
    if (partition.role !== 'leader') throw partition.notLeader();
    const appended = await partition.appendAsLeader(data.records, input.acks);
    if (input.acks === -1 && !appended.duplicate) await partition.awaitReplication(appended.lastOffset, input.timeoutMs);
    return { partition: data.partition, errorCode: ErrorCode.NONE, errorMessage: '', baseOffset: appended.baseOffset, logAppendTimeMs: appended.logAppendTimeMs, logStartOffset: appended.logStartOffset, recordErrors: [] };
  } catch (error) {
    if (!isSamsaError(error)) {
      context.logger.error({ err: error, topic, partition: data.partition }, 'produce failed unexpectedly');
      return failed(data.partition, ErrorCode.UNKNOWN_SERVER_ERROR, 'Unknown server error');
    }
    const hint = error.code === ErrorCode.NOT_LEADER_OR_FOLLOWER || error.code === ErrorCode.FENCED_LEADER_EPOCH ? context.leaderHint(topic, data.partition) : undefined;
    return failed(data.partition, error.code, error.message, hint);
  }
}
