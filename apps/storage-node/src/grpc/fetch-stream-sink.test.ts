import type * as grpc from '@grpc/grpc-js';
import { storage } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { fetchStreamSink } from './fetch-stream-sink.js';

/** A stand-in for grpc-js's writable call: keeps what was written and the write callbacks. */
function fakeCall() {
  const written: Buffer[] = [];
  const callbacks: Array<() => void> = [];
  const call = {
    write(chunk: Buffer, callback: () => void) {
      written.push(Buffer.from(chunk));
      callbacks.push(callback);
      return true;
    },
  } as unknown as grpc.ServerWritableStream<unknown, storage.FetchStreamResponse>;
  return { call, written, callbacks };
}

const push = (records: Buffer): storage.FetchStreamResponse => ({
  topics: [{ topic: 't', partitions: [storage.FetchPartitionData.fromPartial({ partition: 0, highWatermark: 9, records })] }],
});

describe('fetchStreamSink', () => {
  it('encodes each push at once, so the records buffer may be reused right after write returns', () => {
    const fake = fakeCall();
    const sink = fetchStreamSink(fake.call, new AbortController().signal);
    const records = Buffer.from('first batch bytes');
    sink.write(push(records));
    records.write('SECOND');
    const decoded = storage.decodeFetchResponse(fake.written[0] as Buffer);
    expect(decoded.topics[0]?.partitions[0]?.records.toString()).toBe('first batch bytes');
    expect(decoded.topics[0]?.partitions[0]?.highWatermark).toBe(9);
  });

  it('asks the stream to wait once 4 pushes are queued, and lets it go on when grpc-js takes one', async () => {
    const fake = fakeCall();
    const sink = fetchStreamSink(fake.call, new AbortController().signal);
    const rooms = [1, 2, 3, 4].map((n) => sink.write(push(Buffer.alloc(n))));
    expect(rooms).toEqual([true, true, true, false]);
    let drained = false;
    const waiting = sink.drained().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    fake.callbacks[0]?.();
    await waiting;
    expect(drained).toBe(true);
  });

  it('stops waiting when the call ends, even if grpc-js never takes a push (a paused consumer)', async () => {
    const fake = fakeCall();
    const controller = new AbortController();
    const sink = fetchStreamSink(fake.call, controller.signal);
    for (let n = 0; n < 4; n++) sink.write(push(Buffer.alloc(8)));
    const waiting = sink.drained();
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });

  it('encodes into the memory of a push grpc-js has taken, instead of fresh memory', () => {
    const seen: ArrayBuffer[] = [];
    const call = {
      write(chunk: Buffer, callback: () => void) {
        seen.push(chunk.buffer as ArrayBuffer);
        callback();
        return true;
      },
    } as unknown as grpc.ServerWritableStream<unknown, storage.FetchStreamResponse>;
    const sink = fetchStreamSink(call, new AbortController().signal);
    for (const size of [100_000, 90_000, 100_000]) sink.write(push(Buffer.alloc(size, 7)));
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(1);
  });
});
