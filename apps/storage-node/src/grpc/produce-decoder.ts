/**
 * Zero-copy decoding of produce requests for the hot path. The generated decoder copies every
 * `records` field (`Buffer.from(reader.bytes())`); these decoders return the same message types
 * with `records` aliasing the request buffer grpc-js hands over (one fresh buffer per message,
 * never reused), so a 16 KiB batch is not copied on its way to the log. Field numbers follow
 * proto/samsa/storage/v1 exactly; unknown fields are skipped as protobuf requires.
 */
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { storage } from '@samsa/proto';

function aliased(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function partitionData(reader: BinaryReader, end: number): storage.ProducePartitionData {
  const data: storage.ProducePartitionData = { partition: 0, records: Buffer.alloc(0) };
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 8) data.partition = reader.int32();
    else if (tag === 18) data.records = aliased(reader.bytes());
    else reader.skip(tag & 7);
  }
  return data;
}

function topicData(reader: BinaryReader, end: number): storage.ProduceTopicData {
  const data: storage.ProduceTopicData = { topic: '', partitions: [] };
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 10) data.topic = reader.string();
    else if (tag === 18) {
      const length = reader.uint32();
      data.partitions.push(partitionData(reader, reader.pos + length));
    } else reader.skip(tag & 7);
  }
  return data;
}

/** ProduceRequest: acks = 1, timeout_ms = 2, transactional_id = 3, topics = 4. */
export function decodeProduceRequest(buffer: Buffer): storage.ProduceRequest {
  const reader = new BinaryReader(buffer);
  const message: storage.ProduceRequest = { acks: 0, timeoutMs: 0, topics: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 8) message.acks = reader.int32();
    else if (tag === 16) message.timeoutMs = reader.int32();
    else if (tag === 26) message.transactionalId = reader.string();
    else if (tag === 34) {
      const length = reader.uint32();
      message.topics.push(topicData(reader, reader.pos + length));
    } else reader.skip(tag & 7);
  }
  return message;
}

/** ProduceStreamRequest: request_id = 1, acks = 2, timeout_ms = 3, transactional_id = 4, topics = 5. */
export function decodeProduceStreamRequest(buffer: Buffer): storage.ProduceStreamRequest {
  const reader = new BinaryReader(buffer);
  const message: storage.ProduceStreamRequest = { requestId: 0, acks: 0, timeoutMs: 0, topics: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 8) message.requestId = Number(reader.uint64());
    else if (tag === 16) message.acks = reader.int32();
    else if (tag === 24) message.timeoutMs = reader.int32();
    else if (tag === 34) message.transactionalId = reader.string();
    else if (tag === 42) {
      const length = reader.uint32();
      message.topics.push(topicData(reader, reader.pos + length));
    } else reader.skip(tag & 7);
  }
  return message;
}

/** The StorageService definition with the zero-copy produce decoders. */
export const StorageServiceDefinition = {
  ...storage.StorageServiceService,
  produce: { ...storage.StorageServiceService.produce, requestDeserialize: decodeProduceRequest },
  produceStream: { ...storage.StorageServiceService.produceStream, requestDeserialize: decodeProduceStreamRequest },
} as const;
