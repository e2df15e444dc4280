/**
 * Who hears about a record's fate once its batch completes: the promise of one `send()`, the
 * callback of one `send(record, callback)`, or one `sendBatch()` call that settles when all of
 * its records have. A batch keeps (sink, slot) per record instead of a promise per record, so
 * sending many records costs one promise.
 */
import type { RecordMetadata } from './producer-batch.js';

export interface DeliverySink {
  delivered(slot: number, metadata: RecordMetadata): void;
  failed(slot: number, error: Error): void;
}

/** Settlers of the promise constructed last: one shared executor, no closure per promise. */
let capturedResolve: (metadata: RecordMetadata) => void = () => undefined;
let capturedReject: (error: Error) => void = () => undefined;
const capture = (resolve: (metadata: RecordMetadata) => void, reject: (error: Error) => void) => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/** The sink behind one send(): settles its promise. */
export class PromiseSink implements DeliverySink {
  readonly promise: Promise<RecordMetadata>;
  private readonly resolve: (metadata: RecordMetadata) => void;
  private readonly reject: (error: Error) => void;

  constructor() {
    this.promise = new Promise<RecordMetadata>(capture);
    this.resolve = capturedResolve;
    this.reject = capturedReject;
  }

  delivered(_slot: number, metadata: RecordMetadata): void {
    this.resolve(metadata);
  }

  failed(_slot: number, error: Error): void {
    this.reject(error);
  }
}

/**
 * The sink behind one sendBatch(): resolves with every record's metadata in call order once all
 * are acknowledged, or rejects with the first failure once all have settled (records that were
 * acknowledged stay written: a batch of sends is not atomic).
 */
export class BatchSink implements DeliverySink {
  readonly promise: Promise<RecordMetadata[]>;
  private readonly results: RecordMetadata[];
  private pending: number;
  private error: Error | undefined;
  private resolve!: (results: RecordMetadata[]) => void;
  private reject!: (error: Error) => void;

  constructor(
    count: number,
    private readonly observe?: (metadata: RecordMetadata | undefined, error: Error | undefined) => void,
  ) {
    this.results = new Array<RecordMetadata>(count);
    this.pending = count;
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (count === 0) this.resolve([]);
  }

  delivered(slot: number, metadata: RecordMetadata): void {
    this.results[slot] = metadata;
    this.observe?.(metadata, undefined);
    this.settleOne();
  }

  failed(_slot: number, error: Error): void {
    this.error ??= error;
    this.observe?.(undefined, error);
    this.settleOne();
  }

  private settleOne(): void {
    if (--this.pending > 0) return;
    if (this.error) this.reject(this.error);
    else this.resolve(this.results);
  }
}

/** Kafka's send callback, Node-style: the error, or the record's metadata once it is acknowledged. */
export type SendCallback = (error: Error | undefined, metadata: RecordMetadata | undefined) => void;

/** What every callback sink of one producer shares. */
export interface CallbackContext {
  /** Interceptors' onAcknowledgement, which runs before the callback (undefined: no interceptors). */
  readonly observe: ((metadata: RecordMetadata | undefined, error: Error | undefined) => void) | undefined;
  /** A callback threw: reported here, never into the producer's I/O. */
  readonly thrown: (error: unknown) => void;
}

/** Calls `callback` once, guarded: what it throws goes to the context's `thrown`. */
export function callBack(callback: SendCallback, context: CallbackContext, error: Error | undefined, metadata: RecordMetadata | undefined): void {
  try {
    callback(error, metadata);
  } catch (thrown) {
    context.thrown(thrown);
  }
}

/**
 * The sink behind one send(record, callback): no promise at all. The callback runs when the
 * record's batch completes, on the producer's I/O path (Kafka runs callbacks on its sender
 * thread), after the interceptors' onAcknowledgement.
 */
export class CallbackSink implements DeliverySink {
  constructor(
    private readonly callback: SendCallback,
    private readonly context: CallbackContext,
  ) {}

  delivered(_slot: number, metadata: RecordMetadata): void {
    this.context.observe?.(metadata, undefined);
    callBack(this.callback, this.context, undefined, metadata);
  }

  failed(_slot: number, error: Error): void {
    this.context.observe?.(undefined, error);
    callBack(this.callback, this.context, error, undefined);
  }
}
