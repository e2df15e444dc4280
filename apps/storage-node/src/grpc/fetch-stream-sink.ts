/**
 * The FetchStream's sink on a grpc-js call. Each push is encoded at once (its records alias read
 * buffers the stream reuses) into memory that is reused once grpc-js has taken the message — its
 * write callback: grpc-js copies the message into its own frame before that. At most
 * QUEUED_PUSHES pushes wait in grpc-js: enough to keep the connection busy, few enough that the
 * same buffers come round again while young. A stream pushing 1 MiB after 1 MiB then touches the
 * same few buffers instead of asking the allocator (and the GC) for fresh memory on every push.
 */
import type * as grpc from '@grpc/grpc-js';
import { ReusedBuffers } from '@samsa/common';
import { storage } from '@samsa/proto';
import type { StreamSink } from '../domain/fetch-stream.js';

const QUEUED_PUSHES = 4;

export function fetchStreamSink(call: grpc.ServerWritableStream<unknown, storage.FetchStreamResponse>, signal: AbortSignal): StreamSink {
  const buffers = new ReusedBuffers(QUEUED_PUSHES);
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
