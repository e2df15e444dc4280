/**
 * Control records: transaction markers (spec/kafka-facts.md §1.7). Kafka writes each marker as
 * its own batch of exactly one control record: attributes 0x30 (control + transactional),
 * the transaction's producerId/epoch, baseSequence −1, CreateTime, no compression.
 *
 * ```
 * key    version int16 (0)   type int16 (0 ABORT, 1 COMMIT; 2–6 are KRaft internals)
 * value  version int16 (0)   coordinatorEpoch int32
 * ```
 *
 * Readers accept versions above 0 and parse them as version 0 (newer fields are appended);
 * a negative version, a short key/value, or a type that is not a transaction marker is
 * SamsaError(INVALID_RECORD).
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { ControlRecordType, NO_SEQUENCE, TimestampType } from './constants.js';
import { buildRecordBatch } from './batch-builder.js';
import type { DecodedRecord } from './record-codec.js';

const CONTROL_KEY_SIZE = 4;
const END_TXN_MARKER_VALUE_SIZE = 6;
const CURRENT_VERSION = 0;

export interface TransactionMarker {
  type: ControlRecordType;
  coordinatorEpoch: number;
  producerId: number;
  producerEpoch: number;
  timestampMs: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

function invalid(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_RECORD, message);
}

/** The 4-byte key of a control record of `type`. */
export function encodeControlKey(type: number): Buffer {
  const key = Buffer.alloc(CONTROL_KEY_SIZE);
  key.writeInt16BE(CURRENT_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The 6-byte value of an end-transaction marker. */
export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(END_TXN_MARKER_VALUE_SIZE);
  value.writeInt16BE(CURRENT_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** A one-record control batch carrying a COMMIT or ABORT marker. */
export function buildControlBatch(marker: TransactionMarker): Buffer {
  return buildRecordBatch([{ key: encodeControlKey(marker.type), value: encodeEndTxnMarkerValue(marker.coordinatorEpoch), timestamp: marker.timestampMs }], {
    baseOffset: marker.baseOffset ?? 0,
    partitionLeaderEpoch: marker.partitionLeaderEpoch,
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: NO_SEQUENCE,
    timestampType: TimestampType.CREATE_TIME,
    isTransactional: true,
    isControl: true,
  });
}

/** The raw type of a control record's key (including KRaft types 2–6 and unknown ones). */
export function readControlRecordType(record: DecodedRecord): number {
  const key = record.key;
  if (key === null || key.length < CONTROL_KEY_SIZE) throw invalid(`Control record key must be ${CONTROL_KEY_SIZE} bytes, got ${key?.length ?? 'null'}`);
  const version = key.readInt16BE(0);
  if (version < 0) throw invalid(`Invalid negative control record key version ${version}`);
  return key.readInt16BE(2);
}

/** Decodes a control record (key: version int16 + type int16; value: version int16 + coordinatorEpoch int32). */
export function readControlRecord(record: DecodedRecord): { type: ControlRecordType; coordinatorEpoch: number } {
  const type = readControlRecordType(record);
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) {
    throw invalid(`Control record type ${type} is not a transaction marker`);
  }
  const value = record.value;
  if (value === null || value.length < END_TXN_MARKER_VALUE_SIZE) {
    throw invalid(`End transaction marker value must be ${END_TXN_MARKER_VALUE_SIZE} bytes, got ${value?.length ?? 'null'}`);
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw invalid(`Invalid negative end transaction marker version ${version}`);
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}
