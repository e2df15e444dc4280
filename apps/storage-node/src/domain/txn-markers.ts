/**
 * WriteTxnMarkers (spec §8.5): the transaction coordinator ends a transaction on each partition
 * by appending a COMMIT or ABORT control batch as the leader; the log checks the producer epoch
 * and coordinator epoch, closes the open transaction and indexes aborts. Each marker is written
 * like acks=all (answered once in the ISR), bounded by `timeoutMs`.
 */
import { SamsaError, type Clock } from '@samsa/common';
import { buildControlBatch, ControlRecordType } from '@samsa/records';
import { ErrorCode, storage } from '@samsa/proto';
import { eachPartition, type PartitionLookup } from './per-partition.js';

export const MARKER_TIMEOUT_MS = 30_000;

export async function writeTxnMarkers(request: storage.WriteTxnMarkersRequest, lookup: PartitionLookup & { clock: Clock }): Promise<storage.WriteTxnMarkersResponse> {
  const markers = await Promise.all(
    request.markers.map(async (marker) => {
      const type =
        marker.transactionResult === storage.TransactionResult.TRANSACTION_RESULT_COMMIT
          ? ControlRecordType.COMMIT
          : marker.transactionResult === storage.TransactionResult.TRANSACTION_RESULT_ABORT
            ? ControlRecordType.ABORT
            : undefined;
      const topics = await eachPartition(
        marker.topics.map((topic) => ({ topic: topic.topic, partitions: topic.partitions.map((partition) => ({ partition })) })),
        lookup,
        async (partition, { partition: index }): Promise<storage.TxnMarkerPartitionResult> => {
          if (type === undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, 'transaction_result must be COMMIT or ABORT');
          const batch = buildControlBatch({ type, coordinatorEpoch: marker.coordinatorEpoch, producerId: marker.producerId, producerEpoch: marker.producerEpoch, timestampMs: lookup.clock.nowMs() });
          const appended = await partition.appendAsLeader(batch, -1);
          await partition.awaitReplication(appended.lastOffset, MARKER_TIMEOUT_MS);
          return { partition: index, errorCode: ErrorCode.NONE, errorMessage: '' };
        },
        ({ partition }, failure) => ({ partition, ...failure }),
      );
      return { producerId: marker.producerId, topics };
    }),
  );
  return { markers };
}
