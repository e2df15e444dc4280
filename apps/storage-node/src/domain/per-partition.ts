/**
 * The shape every batch RPC of the storage node shares: topics → partitions, each answered on
 * its own — the hosted partition handles it, a missing one gets UNKNOWN_TOPIC_OR_PARTITION or
 * NOT_LEADER_OR_FOLLOWER with a leader hint, and any SamsaError becomes that partition's error
 * code (others are logged and answered UNKNOWN_SERVER_ERROR). One bad partition never fails the
 * rest.
 */
import { isSamsaError, type Logger } from '@samsa/common';
import { ErrorCode, type storage } from '@samsa/proto';
import type { Partition } from './partition.js';
import type { ReplicaManager } from './replica-manager.js';

/** Record bytes over topics → partitions (of a produce request, a fetch answer, …). */
export function recordBytes(topics: ReadonlyArray<{ partitions: ReadonlyArray<{ records: Uint8Array }> }>): number {
  let bytes = 0;
  for (const topic of topics) for (const partition of topic.partitions) bytes += partition.records.length;
  return bytes;
}

export interface PartitionLookup {
  replicas: ReplicaManager;
  logger: Logger;
  leaderHint(topic: string, partition: number): storage.LeaderHint | undefined;
  topicExists(topic: string): boolean;
}

export interface PartitionFailure {
  errorCode: ErrorCode;
  errorMessage: string;
  currentLeader?: storage.LeaderHint;
}

export async function eachPartition<P extends { partition: number }, R>(
  topics: ReadonlyArray<{ topic: string; partitions: readonly P[] }>,
  lookup: PartitionLookup,
  handle: (partition: Partition, request: P) => Promise<R>,
  failure: (request: P, failure: PartitionFailure) => R,
): Promise<Array<{ topic: string; partitions: R[] }>> {
  return Promise.all(
    topics.map(async ({ topic, partitions }) => ({
      topic,
      partitions: await Promise.all(
        partitions.map(async (request) => {
          const partition = lookup.replicas.get(topic, request.partition);
          if (!partition) {
            return lookup.topicExists(topic)
              ? failure(request, { errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: `this node does not host ${topic}-${request.partition}`, currentLeader: lookup.leaderHint(topic, request.partition) })
              : failure(request, { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown topic or partition ${topic}-${request.partition}` });
          }
          try {
            return await handle(partition, request);
          } catch (error) {
            if (!isSamsaError(error)) {
              lookup.logger.error({ err: error, topic, partition: request.partition }, 'partition operation failed unexpectedly');
              return failure(request, { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'Unknown server error' });
            }
            const moved = error.code === ErrorCode.NOT_LEADER_OR_FOLLOWER || error.code === ErrorCode.FENCED_LEADER_EPOCH;
            return failure(request, { errorCode: error.code, errorMessage: error.message, ...(moved ? { currentLeader: lookup.leaderHint(topic, request.partition) } : {}) });
          }
        }),
      ),
    })),
  );
}
