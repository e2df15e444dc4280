/**
 * Hand-written codecs for the four hot-path messages, wire-compatible with the generated ones.
 * The generated code copies every `records` field twice on the way out (into the writer, then
 * when joining its chunks) and once on the way in (`Buffer.from(reader.bytes())`). Here:
 *   - decoders return the generated message types with `records` aliasing the received buffer
 *     (grpc-js hands over one fresh buffer per message and never reuses it);
 *   - encoders encode everything except `records` with the generated code (small), then add each
 *     `records` field by hand, so the batches are copied once, into the outgoing message.
 * Protobuf allows fields in any order, so appending `records` after the other fields is valid.
 * `StorageServiceFastDefinition` (server) and `StorageServiceFastClient` (client) plug them in.
 */
import * as grpc from '@grpc/grpc-js';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import * as storage from './storage.js';

const EMPTY = Buffer.alloc(0);

function aliased(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A length-delimited field: tag, length, then the pieces (not copied until the final concat). */
function lengthDelimited(tag: number, pieces: Buffer[], out: Buffer[]): number {
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const head = Buffer.concat([varint(tag), varint(length)]);
  out.push(head, ...pieces);
  return head.length + length;
}

// ---- Fetch responses (server encodes, client decodes) ---------------------------------------

function fetchPartitionData(reader: BinaryReader, end: number): storage.FetchPartitionData {
  const data: storage.FetchPartitionData = {
    partition: 0,
    errorCode: 0,
    errorMessage: '',
    highWatermark: 0,
    lastStableOffset: 0,
    logStartOffset: 0,
    logEndOffset: 0,
    abortedTransactions: [],
    preferredReadReplica: 0,
    divergingEpoch: undefined,
    currentLeader: undefined,
    records: EMPTY,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag) {
      case 8: data.partition = reader.int32(); break;
      case 16: data.errorCode = reader.int32(); break;
      case 26: data.errorMessage = reader.string(); break;
      case 32: data.highWatermark = Number(reader.int64()); break;
      case 40: data.lastStableOffset = Number(reader.int64()); break;
      case 48: data.logStartOffset = Number(reader.int64()); break;
      case 56: data.logEndOffset = Number(reader.int64()); break;
      case 66: data.abortedTransactions.push(storage.AbortedTransaction.decode(reader, reader.uint32())); break;
      case 72: data.preferredReadReplica = reader.int32(); break;
      case 82: data.divergingEpoch = storage.EpochEndOffset.decode(reader, reader.uint32()); break;
      case 90: data.currentLeader = storage.LeaderHint.decode(reader, reader.uint32()); break;
      case 98: data.records = aliased(reader.bytes()); break;
      default: reader.skip(tag & 7);
    }
  }
  return data;
}

function fetchTopicData(reader: BinaryReader, end: number): storage.FetchTopicData {
  const data: storage.FetchTopicData = { topic: '', partitions: [] };
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 10) data.topic = reader.string();
    else if (tag === 18) {
      const length = reader.uint32();
      data.partitions.push(fetchPartitionData(reader, reader.pos + length));
    } else reader.skip(tag & 7);
  }
  return data;
}

/** FetchResponse and FetchStreamResponse (both: topics = 1), records aliasing `buffer`. */
export function decodeFetchResponse(buffer: Buffer): storage.FetchResponse {
  const reader = new BinaryReader(buffer);
  const message: storage.FetchResponse = { topics: [] };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === 10) {
      const length = reader.uint32();
      message.topics.push(fetchTopicData(reader, reader.pos + length));
    } else reader.skip(tag & 7);
  }
  return message;
}

/**
 * FetchResponse and FetchStreamResponse, copying each partition's records once — into memory from
 * `allocate` (at least the size asked for) when given, so a server can reuse its response buffers.
 */
export function encodeFetchResponse(message: storage.FetchResponse, allocate?: (size: number) => Buffer): Buffer {
  const out: Buffer[] = [];
  for (const topic of message.topics) {
    const topicPieces: Buffer[] = [Buffer.from(storage.FetchTopicData.encode({ topic: topic.topic, partitions: [] }).finish())];
    for (const partition of topic.partitions) {
      const head = Buffer.from(storage.FetchPartitionData.encode({ ...partition, records: EMPTY }).finish());
      const partitionPieces = [head];
      if (partition.records.length > 0) lengthDelimited(98, [partition.records as Buffer], partitionPieces);
      lengthDelimited(18, partitionPieces, topicPieces);
    }
    lengthDelimited(10, topicPieces, out);
  }
  return join(out, allocate);
}

/** The pieces in one buffer: from `allocate` (at least `size` bytes) when given, else fresh. */
function join(pieces: readonly Buffer[], allocate?: (size: number) => Buffer): Buffer {
  if (!allocate) return Buffer.concat(pieces);
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const target = allocate(total).subarray(0, total);
  let at = 0;
  for (const piece of pieces) at += piece.copy(target, at);
  return target;
}

// ---- Produce requests (client encodes, server decodes) --------------------------------------

function producePartitionData(reader: BinaryReader, end: number): storage.ProducePartitionData {
  const data: storage.ProducePartitionData = { partition: 0, records: EMPTY };
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 8) data.partition = reader.int32();
    else if (tag === 18) data.records = aliased(reader.bytes());
    else reader.skip(tag & 7);
  }
  return data;
}

function produceTopicData(reader: BinaryReader, end: number): storage.ProduceTopicData {
  const data: storage.ProduceTopicData = { topic: '', partitions: [] };
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === 10) data.topic = reader.string();
    else if (tag === 18) {
      const length = reader.uint32();
      data.partitions.push(producePartitionData(reader, reader.pos + length));
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
      message.topics.push(produceTopicData(reader, reader.pos + length));
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
      message.topics.push(produceTopicData(reader, reader.pos + length));
    } else reader.skip(tag & 7);
  }
  return message;
}

/** Produce data whose `records` may also be given as pieces (consecutive batches), joined only in the encoded message. */
export interface ProduceTopicPieces {
  topic: string;
  partitions: Array<{ partition: number; records: Buffer | readonly Buffer[] }>;
}

function produceTopics(topics: readonly ProduceTopicPieces[], topicsTag: number, out: Buffer[]): void {
  for (const topic of topics) {
    const topicPieces: Buffer[] = [Buffer.from(storage.ProduceTopicData.encode({ topic: topic.topic, partitions: [] }).finish())];
    for (const partition of topic.partitions) {
      const partitionPieces = [Buffer.from(storage.ProducePartitionData.encode({ partition: partition.partition, records: EMPTY }).finish())];
      const records = Buffer.isBuffer(partition.records) ? [partition.records] : (partition.records as Buffer[]);
      if (records.some((piece) => piece.length > 0)) lengthDelimited(18, records, partitionPieces);
      lengthDelimited(18, partitionPieces, topicPieces);
    }
    lengthDelimited(topicsTag, topicPieces, out);
  }
}

export function encodeProduceRequest(message: Omit<storage.ProduceRequest, 'topics'> & { topics: readonly ProduceTopicPieces[] }): Buffer {
  const out = [Buffer.from(storage.ProduceRequest.encode({ ...message, topics: [] }).finish())];
  produceTopics(message.topics, 34, out);
  return join(out);
}

/**
 * Also takes `records` as pieces (see {@link ProduceTopicPieces}), so a client never joins batches
 * itself; copies them once, into memory from `allocate` when given (a client reusing its buffers).
 */
export function encodeProduceStreamRequest(message: Omit<storage.ProduceStreamRequest, 'topics'> & { topics: readonly ProduceTopicPieces[] }, allocate?: (size: number) => Buffer): Buffer {
  const out = [Buffer.from(storage.ProduceStreamRequest.encode({ ...message, topics: [] }).finish())];
  produceTopics(message.topics, 42, out);
  return join(out, allocate);
}

// ---- Service definitions ---------------------------------------------------------------------

const base = storage.StorageServiceService;

/** A message that may also be written already encoded (a Buffer), e.g. to copy its records out at once. */
const passEncoded =
  <M>(encode: (message: M) => Buffer) =>
  (message: M | Buffer): Buffer =>
    Buffer.isBuffer(message) ? message : encode(message);

/**
 * The StorageService definition for servers: zero-copy produce decoding, single-copy fetch
 * encoding. Fetch and FetchStream also take responses already encoded (a Buffer), so a server can
 * copy records out of memory it reuses, or encode into memory it reuses once grpc-js has taken the
 * message.
 */
export const StorageServiceFastDefinition = {
  ...base,
  produce: { ...base.produce, requestDeserialize: decodeProduceRequest },
  produceStream: { ...base.produceStream, requestDeserialize: decodeProduceStreamRequest },
  fetch: { ...base.fetch, responseSerialize: passEncoded(encodeFetchResponse) },
  fetchStream: { ...base.fetchStream, responseSerialize: passEncoded(encodeFetchResponse) },
} as const;

/**
 * A StorageService client with single-copy produce encoding and zero-copy fetch decoding. Its
 * produce methods also accept a request encoded beforehand with `encodeProduce(Stream)Request`.
 */
export const StorageServiceFastClient = grpc.makeGenericClientConstructor(
  {
    ...base,
    produce: { ...base.produce, requestSerialize: passEncoded(encodeProduceRequest) },
    produceStream: { ...base.produceStream, requestSerialize: passEncoded(encodeProduceStreamRequest) },
    fetch: { ...base.fetch, responseDeserialize: decodeFetchResponse },
    fetchStream: { ...base.fetchStream, responseDeserialize: decodeFetchResponse },
  },
  'samsa.storage.v1.StorageService',
) as unknown as typeof storage.StorageServiceClient;
