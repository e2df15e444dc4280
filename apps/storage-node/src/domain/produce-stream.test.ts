import { describe, expect, it } from 'vitest';
import { RequestBudget, serveProduceStream } from './produce-stream.js';

interface Request {
  id: number;
  topics: Array<{ partitions: Array<{ records: Uint8Array }> }>;
}

const request = (id: number, bytes: number): Request => ({ id, topics: [{ partitions: [{ records: new Uint8Array(bytes) }] }] });

/** A stream of requests the test feeds; records how many the consumer has pulled. */
class FedStream implements AsyncIterable<Request> {
  pulled = 0;
  private readonly queue: Request[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(...requests: Request[]): void {
    this.queue.push(...requests);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Request> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        this.pulled++;
        yield next;
      } else if (this.ended) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** A handler whose requests complete only when the test says so. */
class HeldHandler {
  readonly started: number[] = [];
  private readonly finishers = new Map<number, (error?: Error) => void>();
  private onStart: (() => void) | undefined;

  readonly handle = (req: Request): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.started.push(req.id);
      this.finishers.set(req.id, (error) => (error ? reject(error) : resolve()));
      this.onStart?.();
    });

  finish(id: number, error?: Error): void {
    this.finishers.get(id)?.(error);
  }

  /** Resolves once `count` requests have started. */
  async startedCount(count: number): Promise<void> {
    while (this.started.length < count) await new Promise<void>((resolve) => (this.onStart = resolve));
  }
}

/** Lets every pending promise reaction run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('serveProduceStream', () => {
  it('stops pulling requests at maxInFlight and resumes as each one completes', async () => {
    const stream = new FedStream();
    const handler = new HeldHandler();
    const served = serveProduceStream(stream, handler.handle, { maxInFlight: 2, budget: new RequestBudget(1 << 20) });
    stream.push(request(1, 10), request(2, 10), request(3, 10), request(4, 10));
    await handler.startedCount(2);
    await settle();
    expect(handler.started).toEqual([1, 2]);
    expect(stream.pulled).toBe(3); // the third is held, not started
    handler.finish(1);
    await handler.startedCount(3);
    await settle();
    expect(handler.started).toEqual([1, 2, 3]);
    stream.end();
    handler.finish(2);
    handler.finish(3);
    await handler.startedCount(4);
    handler.finish(4);
    await served;
    expect(handler.started).toEqual([1, 2, 3, 4]);
  });

  it('shares one byte budget across streams and admits an oversized request alone', async () => {
    const budget = new RequestBudget(100);
    const a = new FedStream();
    const b = new FedStream();
    const handler = new HeldHandler();
    const servedA = serveProduceStream(a, handler.handle, { maxInFlight: 10, budget });
    const servedB = serveProduceStream(b, handler.handle, { maxInFlight: 10, budget });
    a.push(request(1, 60));
    await handler.startedCount(1);
    b.push(request(2, 60), request(3, 10));
    await settle();
    expect(handler.started).toEqual([1]); // 60 + 60 > 100: stream b waits, and reads no further
    expect(b.pulled).toBe(1);
    expect(budget.inUse).toBe(60);
    handler.finish(1);
    await handler.startedCount(3);
    expect(budget.inUse).toBe(70);
    a.push(request(4, 500)); // larger than the whole budget: waits until nothing else is admitted
    await settle();
    expect(handler.started).toEqual([1, 2, 3]);
    handler.finish(2);
    handler.finish(3);
    await handler.startedCount(4);
    expect(budget.inUse).toBe(500);
    handler.finish(4);
    a.end();
    b.end();
    await Promise.all([servedA, servedB]);
    expect(budget.inUse).toBe(0);
  });

  it('stops reading after a handler failure and throws it once started requests finish', async () => {
    const stream = new FedStream();
    const handler = new HeldHandler();
    const budget = new RequestBudget(1 << 20);
    const served = serveProduceStream(stream, handler.handle, { maxInFlight: 1, budget });
    stream.push(request(1, 10), request(2, 10), request(3, 10));
    await handler.startedCount(1);
    handler.finish(1, new Error('disk on fire'));
    await expect(served).rejects.toThrow('disk on fire');
    expect(handler.started).toEqual([1]);
    expect(budget.inUse).toBe(0);
  });
});
