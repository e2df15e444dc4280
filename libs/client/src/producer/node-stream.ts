/**
 * NodeStream: one long-lived `ProduceStream` to one storage node. Requests carry ids; answers
 * come back tagged with them, in any order. A request not answered within request.timeout.ms
 * fails with REQUEST_TIMED_OUT; a broken stream fails everything pending with NETWORK_EXCEPTION
 * (both retriable) and the next request opens a new stream. acks=0 requests get no answer: they
 * complete once written. Requests are encoded into a few buffers used again once grpc-js has
 * copied them into its frames (the write callback): see ReusedBuffers.
 */
import type * as grpc from '@grpc/grpc-js';
import { ReusedBuffers, SamsaError } from '@samsa/common';
import { ErrorCode, storage } from '@samsa/proto';
import { toSamsaError } from '../connection/grpc-call.js';

type Outcome = { ok: true; topics: storage.ProduceTopicResult[] } | { ok: false; error: SamsaError };

interface PendingRequest {
  settle(outcome: Outcome): void;
  timer: NodeJS.Timeout;
}

export class NodeStream {
  private stream: grpc.ClientDuplexStream<storage.ProduceStreamRequest, storage.ProduceStreamResponse> | undefined;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private readonly buffers: ReusedBuffers;

  constructor(
    readonly nodeId: number,
    private readonly client: () => storage.StorageServiceClient,
    private readonly requestTimeoutMs: number,
    /** Request buffers kept for reuse: the stream never has more than maxInFlight requests out. */
    maxInFlight: number,
  ) {
    this.buffers = new ReusedBuffers(maxInFlight);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Sends one request; `settle` runs exactly once with the answer or the failure. */
  send(request: Omit<storage.ProduceStreamRequest, 'requestId' | 'topics'> & { topics: storage.ProduceTopicPieces[] }, settle: (outcome: Outcome) => void): void {
    let stream: NonNullable<NodeStream['stream']>;
    try {
      stream = this.open();
    } catch (error) {
      settle({ ok: false, error: toSamsaError(error) });
      return;
    }
    const requestId = this.nextId++;
    // Encoded now, so the batches are copied out before this returns: their memory may be reused
    // as soon as they complete, even if the stream still buffers the message.
    const buffers = this.buffers;
    const bytes = storage.encodeProduceStreamRequest({ ...request, requestId }, (size) => buffers.take(size));
    const encoded = bytes as unknown as storage.ProduceStreamRequest; // StorageServiceFastClient passes encoded requests through
    const written = () => buffers.give(bytes);
    if (request.acks === 0) {
      stream.write(encoded, written);
      settle({ ok: true, topics: [] });
      return;
    }
    const timer = setTimeout(() => {
      if (this.pending.delete(requestId)) settle({ ok: false, error: new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `no answer from storage node ${this.nodeId} within requestTimeoutMs (${this.requestTimeoutMs} ms)`, { retriable: true }) });
    }, this.requestTimeoutMs);
    this.pending.set(requestId, { settle, timer });
    stream.write(encoded, written);
  }

  /** Ends the stream; pending requests fail as retriable network errors. */
  close(): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.cancel();
    this.failAll(new SamsaError(ErrorCode.NETWORK_EXCEPTION, `stream to storage node ${this.nodeId} closed`, { retriable: true }));
  }

  private open(): NonNullable<NodeStream['stream']> {
    if (this.stream) return this.stream;
    const stream = this.client().produceStream();
    this.stream = stream;
    stream.on('data', (response: storage.ProduceStreamResponse) => {
      const entry = this.pending.get(response.requestId);
      if (!entry) return;
      this.pending.delete(response.requestId);
      clearTimeout(entry.timer);
      entry.settle({ ok: true, topics: response.topics });
    });
    const broken = (error?: unknown) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      const cause = error === undefined ? new SamsaError(ErrorCode.NETWORK_EXCEPTION, `storage node ${this.nodeId} ended the produce stream`) : toSamsaError(error);
      this.failAll(new SamsaError(cause.code === ErrorCode.UNKNOWN_SERVER_ERROR ? ErrorCode.NETWORK_EXCEPTION : cause.code, `produce stream to storage node ${this.nodeId} failed: ${cause.message}`, { retriable: true }));
    };
    stream.on('error', broken);
    stream.on('end', () => broken());
    return stream;
  }

  private failAll(error: SamsaError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.settle({ ok: false, error });
    }
  }
}
