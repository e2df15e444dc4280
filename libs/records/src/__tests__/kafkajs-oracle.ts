/**
 * KafkaJS 2.2.4 as an independent oracle (a dev dependency for exactly this, CONVENTIONS.md):
 * typed wrappers over its internal RecordBatch v2 encoder/decoder, varint encoder and pure-JS
 * CRC-32C. KafkaJS ships no types for these CommonJS internals, so the shapes are declared here.
 *
 * Limits of the oracle, which tests must respect: KafkaJS groups headers by key into an object
 * (so header order is per key, and integer-like keys reorder), cannot encode a null header
 * value, does not check CRCs when decoding, and implements only the gzip codec itself.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KafkaJsEncoder {
  buffer: Buffer;
  writeVarInt(value: number): KafkaJsEncoder;
  writeVarLong(value: bigint | number): KafkaJsEncoder;
  writeUVarInt(value: number): KafkaJsEncoder;
}
type KafkaJsEncoderClass = new () => KafkaJsEncoder;
type KafkaJsHeaders = Record<string, Buffer | Buffer[]>;

const Encoder = require('kafkajs/src/protocol/encoder') as KafkaJsEncoderClass;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const kafkaJsCrc = require('kafkajs/src/protocol/recordBatch/crc32C') as (data: Buffer) => number;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (options: Record<string, unknown>) => Promise<KafkaJsEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: Record<string, unknown>) => KafkaJsEncoder;
const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<KafkaJsDecodedBatch>;
const { Types: KafkaJsCompressionTypes } = require('kafkajs/src/protocol/message/compression') as { Types: Record<string, number> };

export { KafkaJsCompressionTypes };

export const kafkaJsVarint = (value: number): Buffer => new Encoder().writeVarInt(value).buffer;
export const kafkaJsVarlong = (value: bigint | number): Buffer => new Encoder().writeVarLong(value).buffer;
export const kafkaJsUnsignedVarint = (value: number): Buffer => new Encoder().writeUVarInt(value).buffer;
export const kafkaJsCrc32c = (data: Buffer): number => kafkaJsCrc(data);

export interface KafkaJsRecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: KafkaJsHeaders;
  offsetDelta: number;
  timestampDelta: number;
}

export interface KafkaJsBatchInput {
  compression?: number;
  firstOffset?: number;
  firstTimestamp: number;
  maxTimestamp: number;
  partitionLeaderEpoch?: number;
  lastOffsetDelta: number;
  transactional?: boolean;
  producerId?: number;
  producerEpoch?: number;
  firstSequence?: number;
  records: KafkaJsRecordInput[];
}

/** Encodes a batch with KafkaJS's producer-side encoder. */
export async function kafkaJsEncodeBatch(input: KafkaJsBatchInput): Promise<Buffer> {
  const encoder = await RecordBatch({
    compression: input.compression ?? KafkaJsCompressionTypes.None,
    firstOffset: BigInt(input.firstOffset ?? 0),
    firstTimestamp: input.firstTimestamp,
    maxTimestamp: input.maxTimestamp,
    partitionLeaderEpoch: input.partitionLeaderEpoch ?? -1,
    lastOffsetDelta: input.lastOffsetDelta,
    transactional: input.transactional ?? false,
    producerId: BigInt(input.producerId ?? -1),
    producerEpoch: input.producerEpoch ?? -1,
    firstSequence: input.firstSequence ?? -1,
    records: input.records.map((record) => Record({ ...record, headers: record.headers ?? {} })),
  });
  return encoder.buffer;
}

export interface KafkaJsDecodedRecord {
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: KafkaJsHeaders;
  isControlRecord: boolean;
}

export interface KafkaJsDecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  timestampType: number;
  records: KafkaJsDecodedRecord[];
}

/** Decodes one batch with KafkaJS's consumer-side decoder. */
export async function kafkaJsDecodeBatch(batch: Buffer): Promise<KafkaJsDecodedBatch> {
  return decodeBatch(new Decoder(batch));
}
