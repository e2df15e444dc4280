import { NO_PRODUCER_ID, RECORD_BATCH_HEADER_SIZE, RecordBatchView } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { MAX_IN_FLIGHT_BATCHES_IDEMPOTENT, RecordAccumulator, type DrainContext } from './accumulator.js';
import type { ProducerBatch } from './producer-batch.js';

const noop = { delivered: () => undefined, failed: () => undefined };
/** A record of `bytes` value bytes: encoded it takes bytes + 7 bytes (a batch header is 61). */
const record = (bytes: number) => ({ timestamp: 1, key: null, value: Buffer.alloc(bytes), headers: undefined, reserved: bytes + 26 });

function context(overrides: Partial<DrainContext> = {}): DrainContext {
  return { now: 0, lingerMs: 5, flushing: false, maxInFlight: 5, maxRequestSize: 1 << 20, leaderOf: () => 1, nodeAvailable: () => true, identity: null, ...overrides };
}

/** One request of `batches` batches of t-0 was answered. */
function answered(accumulator: RecordAccumulator, batches: number): void {
  const queue = accumulator.queue('t', 0);
  queue.inFlight--;
  queue.inFlightBatches -= batches;
}

const drained = (accumulator: RecordAccumulator, ctx: DrainContext): ProducerBatch[][] => [...accumulator.drain(ctx).requests.values()].flat();

describe('RecordAccumulator', () => {
  it('keeps a partial batch until linger passes, then drains it', () => {
    const accumulator = new RecordAccumulator(1000);
    accumulator.append('t', 0, record(30), noop, 0, 0);
    const early = accumulator.drain(context({ now: 2 }));
    expect(early.requests.size).toBe(0);
    expect(early.nextReadyMs).toBe(5);
    expect(drained(accumulator, context({ now: 5 }))).toHaveLength(1);
  });

  it('drains a full batch at once and opens a new one for the next record', () => {
    const accumulator = new RecordAccumulator(135);
    expect(accumulator.append('t', 0, record(30), noop, 0, 0).isFull).toBe(false);
    expect(accumulator.append('t', 0, record(30), noop, 0, 0).isFull).toBe(true); // 61-byte header + 2 × 37 = 135
    const next = accumulator.append('t', 0, record(30), noop, 0, 0);
    expect(next.recordCount).toBe(1);
    expect(next.isFull).toBe(false);
    const [entry] = drained(accumulator, context());
    expect(entry?.map((batch) => batch.recordCount)).toEqual([2]);
  });

  it('finishes a batch the moment it closes when it gets no producer id, and only then', () => {
    const finishing = new RecordAccumulator(135, undefined, true);
    const first = finishing.append('t', 0, record(30), noop, 0, 0);
    finishing.append('t', 0, record(30), noop, 0, 0);
    first.memory.fill(0, 0, RECORD_BATCH_HEADER_SIZE); // whatever the header holds, it is not a finished one
    finishing.append('t', 0, record(30), noop, 0, 0); // does not fit: the first batch closes
    const inMemory = new RecordBatchView(first.memory.subarray(0, first.sizeBytes));
    expect(inMemory.isCrcValid()).toBe(true);
    expect(inMemory.lastOffsetDelta).toBe(1);
    expect(first.build().equals(first.memory.subarray(0, first.sizeBytes))).toBe(true);
    // An idempotent producer's batches wait for their sequence: finished when drained.
    const idempotent = new RecordAccumulator(135);
    const later = idempotent.append('t', 0, record(30), noop, 0, 0);
    idempotent.append('t', 0, record(30), noop, 0, 0);
    later.memory.fill(0, 0, RECORD_BATCH_HEADER_SIZE);
    idempotent.append('t', 0, record(30), noop, 0, 0);
    expect(later.memory.subarray(0, RECORD_BATCH_HEADER_SIZE).every((byte) => byte === 0)).toBe(true);
  });

  it('sends consecutive closed batches of a partition together, up to maxRequestSize', () => {
    const accumulator = new RecordAccumulator(100);
    for (let i = 0; i < 8; i++) accumulator.append('t', 0, record(30), noop, 0, 0);
    const [entry] = drained(accumulator, context({ now: 10, maxRequestSize: 300 }));
    expect(entry?.length).toBe(3); // 98 bytes each
    expect(accumulator.queued()).toHaveLength(5);
  });

  it('assigns sequences in order at drain time and keeps them across a retry, which travels alone', () => {
    const accumulator = new RecordAccumulator(100);
    for (let i = 0; i < 6; i++) accumulator.append('t', 0, record(30), noop, 0, 0);
    const identity = { producerId: 7, producerEpoch: 0 };
    const first = drained(accumulator, context({ now: 10, identity, maxRequestSize: 120 }))[0] as ProducerBatch[];
    const second = drained(accumulator, context({ now: 10, identity, maxRequestSize: 120 }))[0] as ProducerBatch[];
    expect(first.map((b) => b.baseSequence)).toEqual([0]);
    expect(second.map((b) => b.baseSequence)).toEqual([1]);
    // The first request failed: it goes back before the others and waits until nothing is in flight.
    const failed = first[0] as ProducerBatch;
    failed.attempts = 1;
    answered(accumulator, 1);
    accumulator.requeue(failed);
    expect(drained(accumulator, context({ now: 10, identity }))).toHaveLength(0);
    answered(accumulator, 1);
    const retry = drained(accumulator, context({ now: 10, identity }))[0] as ProducerBatch[];
    expect(retry).toEqual([failed]);
    expect(failed.baseSequence).toBe(0);
    const bytes = failed.build();
    expect(new RecordBatchView(bytes).baseSequence).toBe(0);
    expect(new RecordBatchView(bytes).producerId).toBe(7);
  });

  it('re-sequences from 0 under a new producer id once nothing of the partition is in flight', () => {
    const accumulator = new RecordAccumulator(100);
    for (let i = 0; i < 4; i++) accumulator.append('t', 0, record(30), noop, 0, 0);
    const old = drained(accumulator, context({ now: 10, identity: { producerId: 1, producerEpoch: 0 }, maxRequestSize: 120 }))[0] as ProducerBatch[];
    expect(old[0]?.baseSequence).toBe(0);
    const renewed = { producerId: 2, producerEpoch: 0 };
    expect(drained(accumulator, context({ now: 10, identity: renewed }))).toHaveLength(0); // old one still in flight
    answered(accumulator, 1);
    (old[0] as ProducerBatch).attempts = 1;
    accumulator.requeue(old[0] as ProducerBatch);
    const again = drained(accumulator, context({ now: 10, identity: renewed }))[0] as ProducerBatch[];
    expect(again).toEqual(old);
    expect(again[0]?.producerId).toBe(2);
    expect(again[0]?.baseSequence).toBe(0);
  });

  it('keeps at most 5 batches of a partition in flight for an idempotent producer, and no limit otherwise', () => {
    const idempotent = new RecordAccumulator(100);
    const plain = new RecordAccumulator(100);
    for (let i = 0; i < 8; i++) {
      idempotent.append('t', 0, record(30), noop, 0, 0);
      plain.append('t', 0, record(30), noop, 0, 0);
    }
    const identity = { producerId: 3, producerEpoch: 0 };
    expect(drained(idempotent, context({ now: 10, identity }))[0]).toHaveLength(MAX_IN_FLIGHT_BATCHES_IDEMPOTENT);
    expect(drained(idempotent, context({ now: 10, identity }))).toHaveLength(0);
    answered(idempotent, 5);
    expect(drained(idempotent, context({ now: 10, identity }))[0]).toHaveLength(3);
    expect(drained(plain, context({ now: 10 }))[0]).toHaveLength(8);
  });

  it('waits for an identity, for a leader, and for an available node', () => {
    const accumulator = new RecordAccumulator(100);
    accumulator.append('t', 0, record(30), noop, 0, 0);
    expect(accumulator.drain(context({ now: 10, identity: undefined })).requests.size).toBe(0);
    const noLeader = accumulator.drain(context({ now: 10, leaderOf: () => -1 }));
    expect(noLeader.unknownLeader).toBe(true);
    expect(accumulator.drain(context({ now: 10, nodeAvailable: () => false })).requests.size).toBe(0);
    expect(accumulator.queued()[0]?.producerId).toBe(NO_PRODUCER_ID);
  });

  it('expires batches older than the delivery timeout', () => {
    const accumulator = new RecordAccumulator(100);
    accumulator.append('t', 0, record(30), noop, 0, 0);
    accumulator.append('t', 1, record(30), noop, 0, 50);
    expect(accumulator.expire(100, 100)).toHaveLength(1);
    expect(accumulator.queued()).toHaveLength(1);
  });
});
