/**
 * What send() and sendBatch() hand between their steps: a record serialized and placed
 * (`Prepared`), a call not yet wholly in batches (`Placing`), and a send() waiting for buffer
 * memory (`BlockedSend`).
 */
import type { Header } from '../serdes.js';
import type { AppendedRecord } from './accumulator.js';
import type { PoolWaiter } from './buffer-pool.js';
import type { DeliverySink, PromiseSink } from './delivery-sink.js';
import type { RecordHeaders } from './producer-batch.js';
import type { ProducerRecord } from './producer-options.js';

/** A record serialized and placed, ready to append (one object: this runs per record). */
export interface Prepared extends AppendedRecord {
  topic: string;
  partition: number;
  explicit: boolean;
}

export const emptyPrepared = (): Prepared => ({ topic: '', partition: 0, explicit: false, key: null, value: null, headers: undefined, timestamp: 0, reserved: 0 });

/** A send() or sendBatch() call not yet wholly in batches; its promise settles once all of its records have. */
export interface Placing {
  readonly promise: Promise<unknown>;
}

/** A send() waiting for buffer memory (one of the producer's `placing` until then): appended the moment the pool grants it, or failed. */
export class BlockedSend implements PoolWaiter {
  constructor(
    private readonly prepared: Prepared,
    private readonly sink: PromiseSink,
    private readonly placing: Set<Placing>,
    private readonly appendNow: (prepared: Prepared, sink: DeliverySink) => void,
  ) {
    placing.add(sink);
  }

  get size(): number {
    return this.prepared.reserved;
  }

  granted(): void {
    this.placing.delete(this.sink);
    try {
      this.appendNow(this.prepared, this.sink);
    } catch (error) {
      this.sink.failed(0, error as Error);
    }
  }

  refused(error: Error): void {
    this.placing.delete(this.sink);
    this.sink.failed(0, error);
  }
}

/** Headers as the batch writer takes them: a list of { key, value } with byte values. */
export function normalizeHeaders(headers: ProducerRecord['headers']): RecordHeaders {
  if (!headers) return undefined;
  const bytes = (value: string | Buffer | null) => (typeof value === 'string' ? Buffer.from(value) : value);
  if (Array.isArray(headers)) return headers.map((header: Header) => ({ key: header.key, value: bytes(header.value) }));
  return Object.entries(headers).map(([key, value]) => ({ key, value: bytes(value) }));
}
