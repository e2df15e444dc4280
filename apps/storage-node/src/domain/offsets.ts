/**
 * ListOffsets (earliest, latest, by timestamp), OffsetsForLeaderEpoch (the leader side of
 * follower truncation, spec §6.6) and DeleteRecords (raise the log start offset, never past the
 * high watermark).
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, IsolationLevel, type storage } from '@samsa/proto';
import { eachPartition, type PartitionLookup } from './per-partition.js';

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;

export function listOffsets(request: storage.ListOffsetsRequest, lookup: PartitionLookup) {
  const readCommitted = request.isolationLevel === IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED;
  return eachPartition(
    request.topics,
    lookup,
    async (partition, query): Promise<storage.ListOffsetsPartitionResult> => {
      partition.requireLeader();
      partition.checkLeaderEpoch(query.currentLeaderEpoch);
      const answer = (offset: number, timestampMs = -1, leaderEpoch = partition.leaderEpoch) => ({ partition: query.partition, errorCode: ErrorCode.NONE, errorMessage: '', timestampMs, offset, leaderEpoch });
      if (query.timestampMs === LATEST_TIMESTAMP) return answer(readCommitted ? partition.lastStableOffset : partition.highWatermark);
      if (query.timestampMs === EARLIEST_TIMESTAMP) return answer(partition.log.logStartOffset);
      if (query.timestampMs === MAX_TIMESTAMP) {
        const max = await partition.log.maxTimestamp();
        return max && max.offset < partition.highWatermark ? answer(max.offset, max.timestamp, max.leaderEpoch) : answer(-1, -1, -1);
      }
      if (query.timestampMs < 0) throw new SamsaError(ErrorCode.INVALID_REQUEST, `unsupported timestamp query ${query.timestampMs}`);
      const found = await partition.log.offsetForTimestamp(query.timestampMs);
      if (!found || found.offset >= partition.highWatermark) return answer(-1, -1, -1);
      return answer(found.offset, found.timestamp, found.leaderEpoch);
    },
    (query, failure) => ({ partition: query.partition, timestampMs: -1, offset: -1, leaderEpoch: -1, ...failure }),
  );
}

export function offsetsForLeaderEpoch(request: storage.OffsetsForLeaderEpochRequest, lookup: PartitionLookup) {
  return eachPartition(
    request.topics,
    lookup,
    async (partition, query): Promise<storage.OffsetsForLeaderEpochPartitionResult> => {
      partition.requireLeader();
      partition.checkLeaderEpoch(query.currentLeaderEpoch);
      const end = partition.log.endOffsetForEpoch(query.leaderEpoch);
      return { partition: query.partition, errorCode: ErrorCode.NONE, errorMessage: '', leaderEpoch: end.epoch, endOffset: end.startOffset };
    },
    (query, failure) => ({ partition: query.partition, leaderEpoch: -1, endOffset: -1, ...failure }),
  );
}

export function deleteRecords(request: storage.DeleteRecordsRequest, lookup: PartitionLookup) {
  return eachPartition(
    request.topics,
    lookup,
    async (partition, query): Promise<storage.DeleteRecordsPartitionResult> => {
      partition.requireLeader();
      const target = query.offset === -1 ? partition.highWatermark : query.offset;
      if (target < 0 || target > partition.highWatermark) {
        throw new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `offset ${query.offset} is outside [0, high watermark ${partition.highWatermark}]`);
      }
      const lowWatermark = await partition.log.deleteRecordsBefore(target);
      return { partition: query.partition, errorCode: ErrorCode.NONE, errorMessage: '', lowWatermark };
    },
    (query, failure) => ({ partition: query.partition, lowWatermark: -1, ...failure }),
  );
}
