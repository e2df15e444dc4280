import fc from 'fast-check';
import { storage } from './index.js';
import { describe, expect, it } from 'vitest';

const { decodeProduceRequest, decodeProduceStreamRequest } = storage;

const partitions = fc.array(fc.record({ partition: fc.integer({ min: 0, max: 10_000 }), records: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) }), { maxLength: 4 });
const topics = fc.array(fc.record({ topic: fc.string({ maxLength: 20 }), partitions }), { maxLength: 4 });

describe('zero-copy produce decoders', () => {
  it('decode exactly what the generated decoders do', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 1 }), fc.nat(), fc.option(fc.string(), { nil: undefined }), topics, fc.nat(), (acks, timeoutMs, transactionalId, topicList, requestId) => {
        const plain = storage.ProduceRequest.fromPartial({ acks, timeoutMs, transactionalId, topics: topicList });
        const bytes = Buffer.from(storage.ProduceRequest.encode(plain).finish());
        expect(decodeProduceRequest(bytes)).toEqual(storage.ProduceRequest.decode(bytes));
        const streamed = storage.ProduceStreamRequest.fromPartial({ requestId, acks, timeoutMs, transactionalId, topics: topicList });
        const streamBytes = Buffer.from(storage.ProduceStreamRequest.encode(streamed).finish());
        expect(decodeProduceStreamRequest(streamBytes)).toEqual(storage.ProduceStreamRequest.decode(streamBytes));
      }),
    );
  });

  it('hands out record bytes that alias the request buffer instead of copying them', () => {
    const records = Buffer.alloc(16_384, 7);
    const bytes = Buffer.from(storage.ProduceRequest.encode(storage.ProduceRequest.fromPartial({ acks: 1, topics: [{ topic: 't', partitions: [{ partition: 0, records }] }] })).finish());
    const decoded = decodeProduceRequest(bytes).topics[0]?.partitions[0]?.records;
    expect(decoded?.equals(records)).toBe(true);
    expect(decoded?.buffer).toBe(bytes.buffer);
  });
});
