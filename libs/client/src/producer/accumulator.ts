/**
 * RecordAccumulator: one queue of batches per partition (Kafka's RecordAccumulator). Records
 * join the newest batch of their partition until it is full; the sender drains ready batches —
 * full, lingered long enough, behind another batch, or flushing — grouped by leader node, one
 * `records` blob per partition per request: the head batch plus the closed batches behind it, up
 * to max.request.size (our contract allows several batches per partition; Kafka's allows one).
 * A retried batch is sent on its own. For an idempotent producer it assigns sequences at drain
 * time and keeps a partition's retries in order: a retried batch goes back to its place in line
 * and is sent alone (nothing else of its partition in flight), as Kafka does.
 */
import { CompressionType, incrementSequence, NO_PRODUCER_ID, RECORD_BATCH_HEADER_SIZE } from '@samsa/records';
import type { DeliverySink } from './delivery-sink.js';
import { ProducerBatch, type RecordHeaders } from './producer-batch.js';


/** A serialized record on its way into a batch; `reserved` is the buffer memory it holds. */
export interface AppendedRecord {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeaders;
  reserved: number;
}

export interface ProducerIdentity {
  producerId: number;
  producerEpoch: number;
}

export interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** Batches not yet sent, or waiting for a retry, in creation order. */
  readonly batches: ProducerBatch[];
  /** Requests carrying this partition that are not answered yet. */
  inFlight: number;
  /** Batches of this partition in those requests. */
  inFlightBatches: number;
  nextSequence: number;
  sequenceOwner: ProducerIdentity | undefined;
  nextOrder: number;
}

export interface DrainContext {
  now: number;
  lingerMs: number;
  flushing: boolean;
  maxInFlight: number;
  maxRequestSize: number;
  /** Current leader of a partition, -1 when unknown. */
  leaderOf(topic: string, partition: number): number;
  /** Whether node `nodeId` can take another request now. */
  nodeAvailable(nodeId: number): boolean;
  /** Idempotent producers: the identity to stamp on batches (undefined = not ready yet; null = not idempotent). */
  identity: ProducerIdentity | undefined | null;
}

export interface DrainResult {
  /** Per leader node, one request: per partition, consecutive batches sent as one `records` blob. */
  readonly requests: Map<number, ProducerBatch[][]>;
  /** Earliest time something not ready now becomes ready (Infinity: nothing pending). */
  readonly nextReadyMs: number;
  /** A ready batch's partition has no known leader: refresh metadata. */
  readonly unknownLeader: boolean;
}

/**
 * An idempotent producer keeps at most this many batches of a partition in flight: the storage
 * node remembers the last 5 batches of each producer (spec §7), so any retried batch is still one
 * it can recognise as a duplicate and answer with its original offset.
 */
export const MAX_IN_FLIGHT_BATCHES_IDEMPOTENT = 5;

const sameIdentity = (a: ProducerIdentity | undefined, b: ProducerIdentity) => a !== undefined && a.producerId === b.producerId && a.producerEpoch === b.producerEpoch;

export class RecordAccumulator {
  private readonly queues = new Map<string, PartitionQueue>();
  /** Memory of completed batches, reused for new ones (Kafka's free list): no allocation and no page faults per batch. */
  private readonly free: Buffer[] = [];
  private drainStart = 0;
  /** The queue looked up last: a run of records for one partition skips the map lookup. */
  private lastQueue: PartitionQueue | undefined;

  constructor(
    private readonly batchSize: number,
    private readonly compression: CompressionType = CompressionType.NONE,
    /** Batches get no producer id or sequence (not idempotent): finish each one as it closes, see {@link ProducerBatch.close}. */
    private readonly finishOnClose = false,
  ) {}

  queue(topic: string, partition: number): PartitionQueue {
    const last = this.lastQueue;
    if (last !== undefined && last.partition === partition && last.topic === topic) return last;
    const key = `${topic}\u0000${partition}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { topic, partition, batches: [], inFlight: 0, inFlightBatches: 0, nextSequence: 0, sequenceOwner: undefined, nextOrder: 0 };
      this.queues.set(key, queue);
    }
    this.lastQueue = queue;
    return queue;
  }

  /**
   * Appends a record; returns its batch. A batch just opened (one record) or full needs the
   * sender: to start its linger timer, or because it is ready now. A null `sink` makes the
   * record a follower: the caller takes its promise from `batch.follow()` right away.
   */
  append(topic: string, partition: number, record: AppendedRecord, sink: DeliverySink | null, slot: number, now: number): ProducerBatch {
    const queue = this.queue(topic, partition);
    let batch = queue.batches[queue.batches.length - 1];
    if (batch && batch.attempts === 0 && batch.tryAppend(record.timestamp, record.key, record.value, record.headers, record.reserved, sink, slot)) return batch;
    if (batch) batch.close(this.finishOnClose);
    batch = new ProducerBatch(topic, partition, now, this.batchSize, this.compression, this.free.pop());
    batch.order = queue.nextOrder++;
    queue.batches.push(batch);
    batch.tryAppend(record.timestamp, record.key, record.value, record.headers, record.reserved, sink, slot); // an empty batch takes any record
    return batch;
  }

  /** Takes back the memory of a completed batch (bounded: at most `maxFree` buffers are kept). */
  recycle(batch: ProducerBatch, maxFree: number): void {
    if (batch.memory.length === Math.max(this.batchSize, RECORD_BATCH_HEADER_SIZE) && this.free.length < maxFree) this.free.push(batch.memory);
  }

  /** Puts a batch back for a retry, in its creation order. */
  requeue(batch: ProducerBatch): void {
    const queue = this.queue(batch.topic, batch.partition);
    let index = 0;
    while (index < queue.batches.length && (queue.batches[index] as ProducerBatch).order < batch.order) index++;
    queue.batches.splice(index, 0, batch);
  }

  /** Removes and returns queued batches created more than `deliveryTimeoutMs` ago. */
  expire(now: number, deliveryTimeoutMs: number): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    for (const queue of this.queues.values()) {
      while (queue.batches.length > 0 && now - (queue.batches[0] as ProducerBatch).createdAtMs >= deliveryTimeoutMs) expired.push(queue.batches.shift() as ProducerBatch);
    }
    return expired;
  }

  /** Earliest creation time of any queued batch (Infinity when none): heads are the oldest of their queues. */
  oldestCreatedAtMs(): number {
    let oldest = Infinity;
    for (const queue of this.queues.values()) oldest = Math.min(oldest, queue.batches[0]?.createdAtMs ?? Infinity);
    return oldest;
  }

  /** Every queued (unsent) batch. */
  queued(): ProducerBatch[] {
    return [...this.queues.values()].flatMap((queue) => queue.batches);
  }

  /** Removes every queued batch (close after its timeout). */
  clear(): ProducerBatch[] {
    const all = this.queued();
    for (const queue of this.queues.values()) queue.batches.length = 0;
    return all;
  }

  /** Load per partition of `topic`, for the adaptive partitioner. */
  queuedBatches(topic: string, partition: number): number {
    return this.queues.get(`${topic}\u0000${partition}`)?.batches.length ?? 0;
  }

  /** Takes at most one ready batch per partition, grouped by leader node, within maxRequestSize per node. */
  drain(context: DrainContext): DrainResult {
    const requests = new Map<number, ProducerBatch[][]>();
    const requestBytes = new Map<number, number>();
    let nextReadyMs = Infinity;
    let unknownLeader = false;
    const queues = [...this.queues.values()];
    const start = this.drainStart++ % Math.max(1, queues.length);
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[(start + i) % queues.length] as PartitionQueue;
      const head = queue.batches[0];
      if (!head) continue;
      if (head.retryAtMs > context.now) {
        nextReadyMs = Math.min(nextReadyMs, head.retryAtMs);
        continue;
      }
      const ready = head.isFull || queue.batches.length > 1 || head.attempts > 0 || context.flushing || context.now - head.createdAtMs >= context.lingerMs;
      if (!ready) {
        nextReadyMs = Math.min(nextReadyMs, head.createdAtMs + context.lingerMs);
        continue;
      }
      const leader = context.leaderOf(queue.topic, queue.partition);
      if (leader < 0) {
        unknownLeader = true;
        continue;
      }
      if (!context.nodeAvailable(leader) || queue.inFlight >= context.maxInFlight) continue;
      const identity = context.identity;
      if (identity === undefined) continue;
      const stale = identity !== null && head.producerId !== NO_PRODUCER_ID && (head.producerId !== identity.producerId || head.producerEpoch !== identity.producerEpoch);
      if (identity !== null) {
        // A retry, or the first batch under a new identity, waits until nothing of its partition is in flight.
        const restarting = !sameIdentity(queue.sequenceOwner, identity) || stale;
        if ((head.attempts > 0 || restarting) && queue.inFlight > 0) continue;
      }
      const used = requestBytes.get(leader) ?? 0;
      if (used > 0 && used + head.sizeBytes > context.maxRequestSize) continue;
      const batchLimit = identity === null ? Infinity : MAX_IN_FLIGHT_BATCHES_IDEMPOTENT - queue.inFlightBatches;
      if (batchLimit <= 0) continue;
      // First attempts ride together: every following closed batch of the partition that fits
      // (one `records` blob of consecutive batches). A retry always travels alone.
      const take = [head];
      let bytes = used + head.sizeBytes;
      if (head.attempts === 0 && !stale) {
        for (let next = 1; next < queue.batches.length; next++) {
          const batch = queue.batches[next] as ProducerBatch;
          const lingered = batch.isFull || context.flushing || context.now - batch.createdAtMs >= context.lingerMs;
          if (take.length >= batchLimit || batch.attempts > 0 || batch.producerId !== NO_PRODUCER_ID || !lingered || bytes + batch.sizeBytes > context.maxRequestSize) break;
          take.push(batch);
          bytes += batch.sizeBytes;
        }
      }
      queue.batches.splice(0, take.length);
      queue.inFlight++;
      queue.inFlightBatches += take.length;
      if (identity !== null) {
        for (const batch of take) {
          if (batch.producerId !== NO_PRODUCER_ID && !stale) continue;
          if (!sameIdentity(queue.sequenceOwner, identity)) {
            queue.sequenceOwner = identity;
            queue.nextSequence = 0;
          }
          batch.setIdentity(identity.producerId, identity.producerEpoch, queue.nextSequence);
          queue.nextSequence = incrementSequence(queue.nextSequence, batch.recordCount);
        }
      }
      requestBytes.set(leader, bytes);
      let list = requests.get(leader);
      if (!list) requests.set(leader, (list = []));
      list.push(take);
    }
    return { requests, nextReadyMs, unknownLeader };
  }
}
