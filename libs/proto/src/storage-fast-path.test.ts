import { describe, expect, it } from 'vitest';
import { storage } from './index.js';

const records = (n: number) => Buffer.alloc(n, 7);

describe('hot-path codecs agree with the generated ones', () => {
  const fetchResponse: storage.FetchResponse = storage.FetchResponse.fromPartial({
    topics: [
      {
        topic: 'orders',
        partitions: [
          { partition: 3, errorCode: 0, highWatermark: 2 ** 40, lastStableOffset: 17, logStartOffset: 5, logEndOffset: 2 ** 40 + 1, abortedTransactions: [{ producerId: 9, firstOffset: 11 }], preferredReadReplica: -1, divergingEpoch: { epoch: 4, endOffset: 99 }, currentLeader: { leaderId: 2, leaderEpoch: 4, leaderEndpoint: { nodeId: 2, host: 'h', port: 1, rack: '' } }, records: records(70_000) },
          { partition: 4, errorCode: 6, errorMessage: 'not leader', records: Buffer.alloc(0) },
        ],
      },
      { topic: 'empty', partitions: [] },
    ],
  });

  it('encodes a fetch response the generated decoder reads back, and decodes the generated encoding', () => {
    const fast = storage.encodeFetchResponse(fetchResponse);
    expect(storage.FetchResponse.decode(fast)).toEqual(fetchResponse);
    const generated = Buffer.from(storage.FetchResponse.encode(fetchResponse).finish());
    expect(storage.decodeFetchResponse(generated)).toEqual(fetchResponse);
    expect(fast.length).toBe(generated.length);
  });

  it('decoded records alias the received buffer (no copy)', () => {
    const wire = storage.encodeFetchResponse(fetchResponse);
    const decoded = storage.decodeFetchResponse(wire);
    expect(decoded.topics[0]?.partitions[0]?.records.buffer).toBe(wire.buffer);
  });

  it('round-trips produce requests both ways, with several partitions and an optional transactional id', () => {
    const request = storage.ProduceStreamRequest.fromPartial({ requestId: 2 ** 33, acks: -1, timeoutMs: 30_000, transactionalId: 'tx', topics: [{ topic: 'a', partitions: [{ partition: 0, records: records(300) }, { partition: 1, records: records(5) }] }, { topic: 'b', partitions: [] }] });
    expect(storage.ProduceStreamRequest.decode(storage.encodeProduceStreamRequest(request))).toEqual(request);
    expect(storage.decodeProduceStreamRequest(Buffer.from(storage.ProduceStreamRequest.encode(request).finish()))).toEqual(request);
    const unary = storage.ProduceRequest.fromPartial({ acks: 1, timeoutMs: 5, topics: [{ topic: 'a', partitions: [{ partition: 2, records: records(10) }] }] });
    expect(storage.ProduceRequest.decode(storage.encodeProduceRequest(unary))).toEqual(unary);
    expect(storage.decodeProduceRequest(Buffer.from(storage.ProduceRequest.encode(unary).finish()))).toEqual(unary);
  });
});
