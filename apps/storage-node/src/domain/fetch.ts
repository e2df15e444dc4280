/**
 * Fetch (spec §10): stored batches by position, never decoded. Consumers read from the leader up
 * to the high watermark (read_uncommitted) or the last stable offset (read_committed, with the
 * aborted transactions); followers (replicaId ≥ 0) read up to the log end offset, report their
 * position by fetching, and learn where their log diverges (divergingEpoch, KIP-320). Partitions
 * are read in request order within the response budget, the first non-empty one whole even when
 * larger (KIP-74). A long poll parks until minBytes are available, a partition errs, or maxWaitMs
 * passes — woken by appends and high-watermark moves, never by polling.
 */
import { isSamsaError, SamsaError, type Clock, type Logger, type ReusedBuffers } from '@samsa/common';
import { ErrorCode, IsolationLevel, type storage } from '@samsa/proto';
import type { Partition } from './partition.js';
import { ReadBuffers } from './read-buffers.js';
import type { ReplicaManager } from './replica-manager.js';

export interface FetchContext {
  replicas: ReplicaManager;
  clock: Clock;
  logger: Logger;
  leaderHint(topic: string, partition: number): storage.LeaderHint | undefined;
  topicExists(topic: string): boolean;
  /** The node's pool of aligned memory fetch reads land in (see read-buffers.ts). */
  readMemory: ReusedBuffers;
}

export interface FetchInput {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: IsolationLevel;
  topics: readonly storage.FetchTopic[];
  /** Memory a partition's read may land in (the records then alias it until the next read). */
  readBuffer?: (topic: string, partition: storage.FetchPartition) => Buffer | undefined;
}

type PartitionData = storage.FetchPartitionData;

/** Rejects a malformed request as a whole (INVALID_REQUEST). */
export function validateFetch(input: FetchInput): void {
  if (input.maxWaitMs < 0 || input.minBytes < 0 || input.maxBytes < 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'maxWaitMs, minBytes and maxBytes must not be negative');
  for (const topic of input.topics) {
    for (const partition of topic.partitions) {
      if (partition.fetchOffset < 0 || partition.partitionMaxBytes < 0) {
        throw new SamsaError(ErrorCode.INVALID_REQUEST, `${topic.topic}-${partition.partition}: fetchOffset and partitionMaxBytes must not be negative`);
      }
    }
  }
}

const empty = (partition: number, errorCode = ErrorCode.NONE, errorMessage = ''): PartitionData => ({
  partition,
  errorCode,
  errorMessage,
  highWatermark: -1,
  lastStableOffset: -1,
  logStartOffset: -1,
  logEndOffset: -1,
  abortedTransactions: [],
  preferredReadReplica: -1,
  records: Buffer.alloc(0),
});

export interface FetchRead {
  topics: storage.FetchTopicData[];
  bytes: number;
  /** A partition answered with an error (a long poll returns at once). */
  errored: boolean;
  /** The partitions involved, for waiting on their changes. */
  partitions: Partition[];
  /** Where each partition that returned data continues (key: topic + NUL + partition). */
  nextOffsets: Map<string, number>;
}

/** Reads once, without waiting. */
export async function readOnce(input: FetchInput, context: FetchContext): Promise<FetchRead> {
  let budget = input.maxBytes;
  let total = 0;
  let errored = false;
  const involved: Partition[] = [];
  const topics: storage.FetchTopicData[] = [];
  const nextOffsets = new Map<string, number>();
  for (const topic of input.topics) {
    const partitions: PartitionData[] = [];
    for (const request of topic.partitions) {
      const partition = context.replicas.get(topic.topic, request.partition);
      if (partition) involved.push(partition);
      const { data, nextOffset } = await readPartition(topic.topic, request, partition, input, Math.max(0, Math.min(request.partitionMaxBytes, budget)), total === 0, context);
      if (nextOffset !== undefined) nextOffsets.set(`${topic.topic}\u0000${request.partition}`, nextOffset);
      if (data.errorCode !== ErrorCode.NONE || data.divergingEpoch) errored = true;
      total += data.records.length;
      budget -= data.records.length;
      partitions.push(data);
    }
    topics.push({ topic: topic.topic, partitions });
  }
  return { topics, bytes: total, errored, partitions: involved, nextOffsets };
}

async function readPartition(
  topic: string,
  request: storage.FetchPartition,
  partition: Partition | undefined,
  input: FetchInput,
  maxBytes: number,
  firstNonEmpty: boolean,
  context: FetchContext,
): Promise<{ data: PartitionData; nextOffset?: number }> {
  if (!partition) {
    return {
      data: context.topicExists(topic)
        ? { ...empty(request.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER, `this node does not host ${topic}-${request.partition}`), currentLeader: context.leaderHint(topic, request.partition) }
        : empty(request.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `unknown topic or partition ${topic}-${request.partition}`),
    };
  }
  try {
    if (partition.role !== 'leader') throw partition.notLeader();
    partition.checkLeaderEpoch(request.currentLeaderEpoch);
    const log = partition.log;
    const follower = input.replicaId >= 0;
    if (follower) {
      if (request.lastFetchedEpoch >= 0) {
        const end = log.endOffsetForEpoch(request.lastFetchedEpoch);
        if (end.epoch !== request.lastFetchedEpoch || end.startOffset < request.fetchOffset) {
          return { data: { ...base(partition, request.partition), divergingEpoch: { epoch: end.epoch, endOffset: end.startOffset } } };
        }
      }
      partition.recordFollowerFetch(input.replicaId, request.fetchOffset);
    }
    const readCommitted = !follower && input.isolationLevel === IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED;
    const upper = follower ? log.logEndOffset : readCommitted ? partition.lastStableOffset : partition.highWatermark;
    const buffer = request.fetchOffset < upper ? input.readBuffer?.(topic, request) : undefined;
    const read = await log.read(request.fetchOffset, { maxBytes, maxOffset: upper, minOneBatch: firstNonEmpty, ...(buffer ? { buffer } : {}) });
    const aborted = readCommitted && read.bytes.length > 0 ? log.abortedTransactions(read.firstOffset, read.nextOffset).map(({ producerId, firstOffset }) => ({ producerId, firstOffset })) : [];
    const data = { ...base(partition, request.partition), abortedTransactions: aborted, records: read.bytes };
    return read.bytes.length > 0 ? { data, nextOffset: read.nextOffset } : { data };
  } catch (error) {
    if (!isSamsaError(error)) {
      context.logger.error({ err: error, topic, partition: request.partition }, 'fetch failed unexpectedly');
      return { data: empty(request.partition, ErrorCode.UNKNOWN_SERVER_ERROR, 'Unknown server error') };
    }
    const data = { ...base(partition, request.partition), errorCode: error.code, errorMessage: error.message };
    if (error.code === ErrorCode.NOT_LEADER_OR_FOLLOWER || error.code === ErrorCode.FENCED_LEADER_EPOCH) data.currentLeader = context.leaderHint(topic, request.partition);
    return { data };
  }
}

function base(partition: Partition, index: number): PartitionData {
  return {
    ...empty(index),
    highWatermark: partition.highWatermark,
    lastStableOffset: partition.lastStableOffset,
    logStartOffset: partition.log.logStartOffset,
    logEndOffset: partition.log.logEndOffset,
  };
}

/**
 * A unary (long-poll) fetch. The records of the answer alias read buffers that are reused once
 * this returns, so `encode` turns the answer into what is sent (copying the records) first.
 */
export async function fetch<T>(input: FetchInput, context: FetchContext, encode: (topics: storage.FetchTopicData[]) => T, signal?: AbortSignal): Promise<T> {
  validateFetch(input);
  return withReadBuffers(input, context, async (reading) => {
    const deadline = context.clock.monotonicMs() + input.maxWaitMs;
    for (;;) {
      const read = await readOnce(reading, context);
      const remaining = deadline - context.clock.monotonicMs();
      if (read.bytes >= Math.max(1, input.minBytes) || read.errored || remaining <= 0 || input.topics.length === 0 || signal?.aborted) return encode(read.topics);
      await awaitAnyChange(read.partitions, remaining, context.clock, signal);
    }
  });
}

/**
 * Runs `body` with `input` reading into buffers from the node's pool (one per partition, reused
 * read after read); they go back to the pool once `body` settles, so it copies records out first.
 */
export async function withReadBuffers<T>(input: FetchInput, context: FetchContext, body: (reading: FetchInput) => Promise<T>): Promise<T> {
  const buffers = new ReadBuffers(context.readMemory, input.maxBytes);
  try {
    return await body({ ...input, readBuffer: (topic, partition) => buffers.for(topic, partition) });
  } finally {
    buffers.release();
  }
}

/** Resolves on the first change of any of `partitions`, after `timeoutMs`, or on abort. */
export async function awaitAnyChange(partitions: readonly Partition[], timeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const offs: Array<() => void> = [];
    const done = () => {
      for (const off of offs) off();
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimer(timeoutMs, done);
    for (const partition of partitions) offs.push(partition.changes.subscribe(done));
    signal?.addEventListener('abort', done);
  });
}
