import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { storage } from '@samsa/proto';
import { NodeStream } from './node-stream.js';

/** A ProduceStream that records each written message and holds its write callback until told. */
class HeldStream extends EventEmitter {
  readonly written: Array<{ message: Buffer; done: () => void }> = [];
  write(message: Buffer, done: () => void): boolean {
    this.written.push({ message, done });
    return true;
  }
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
  }
}

const recordsOf = (entry: { message: Buffer } | undefined) => (entry ? storage.decodeProduceStreamRequest(entry.message).topics[0]?.partitions[0]?.records : undefined);
const request = (records: Buffer) => ({ acks: 1, timeoutMs: 1000, topics: [{ topic: 't', partitions: [{ partition: 0, records: [records] }] }] });

describe('NodeStream', () => {
  it('encodes each request into memory reused only after grpc-js has taken the previous message', () => {
    const held = new HeldStream();
    const stream = new NodeStream(1, () => ({ produceStream: () => held }) as unknown as storage.StorageServiceClient, 60_000, 5);
    const settled: unknown[] = [];
    stream.send(request(Buffer.alloc(1000, 1)), (outcome) => settled.push(outcome));
    stream.send(request(Buffer.alloc(1000, 2)), (outcome) => settled.push(outcome));
    const [first, second] = held.written;
    // Both still held by the transport: two different buffers, each a complete request.
    expect(first?.message.buffer).not.toBe(second?.message.buffer);
    expect(recordsOf(first)).toEqual(Buffer.alloc(1000, 1));
    first?.done();
    stream.send(request(Buffer.alloc(1000, 3)), (outcome) => settled.push(outcome));
    const third = held.written[2];
    expect(third?.message.buffer).toBe(first?.message.buffer);
    expect(recordsOf(second)).toEqual(Buffer.alloc(1000, 2));
    expect(recordsOf(third)).toEqual(Buffer.alloc(1000, 3));
    stream.close();
    expect(held.cancelled).toBe(true);
    expect(settled).toHaveLength(3); // failed as the stream closed
  });
});
