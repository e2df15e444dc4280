/**
 * The FetchStream's sink on a grpc-js call. Each push is encoded at once (its records alias read
 * buffers the stream reuses) into memory that is reused once grpc-js has taken the message — its
 * write callback: grpc-js copies the message into its own frame before that. At most
 * QUEUED_PUSHES pushes wait in grpc-js: enough to keep the connection busy, few enough that the
 * same buffers come round again while young. A stream pushing 1 MiB after 1 MiB then touches the
 * same few buffers instead of asking the allocator (and the GC) for fresh memory on every push.
 */
import type * as grpc from '@grpc/grpc-js';
import { storage } from '@samsa/proto';
import type { StreamSink } from '../domain/fetch-stream.js';

const QUEUED_PUSHES = 4;

export function fetchStreamSink(call: grpc.ServerWritableStream<unknown, storage.FetchStreamResponse>, signal: AbortSignal): StreamSink {
  const buffers = new ResponseBuffers(QUEUED_PUSHES);
  let queued = 0;
  let wake: (() => void) | undefined;
  return {
    write(response) {
      const encoded = storage.encodeFetchResponse(response, (size) => buffers.take(size));
      queued++;
      const room = call.write(encoded as unknown as storage.FetchStreamResponse, () => {
        queued--;
        buffers.give(encoded);
        wake?.();
      });
      return room && queued < QUEUED_PUSHES;
    },
    // A paused consumer never takes its pushes: stop waiting when the call ends or the node stops.
    async drained() {
      while (queued >= QUEUED_PUSHES && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
      }
    },
  };
}

/** Memory for encoded pushes; at most `kept` buffers (the largest) wait for reuse, the rest go to the GC. */
class ResponseBuffers {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    private readonly kept: number,
    private readonly minBytes = 64 * 1024,
  ) {}

  /** A buffer of exactly `size` bytes, in memory used before when some is free. */
  take(size: number): Buffer {
    const index = this.free.findIndex((memory) => memory.byteLength >= size);
    const memory = index >= 0 ? (this.free.splice(index, 1)[0] as ArrayBuffer) : Buffer.allocUnsafeSlow(Math.max(size, this.minBytes)).buffer;
    return Buffer.from(memory, 0, size);
  }

  /** Hands back a buffer from `take` (or a view of one) for reuse. */
  give(buffer: Buffer): void {
    this.free.push(buffer.buffer as ArrayBuffer);
    if (this.free.length <= this.kept) return;
    this.free.sort((a, b) => b.byteLength - a.byteLength);
    this.free.length = this.kept;
  }
}
