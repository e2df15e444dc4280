/** Test context for log tests: a temp dir, a manual clock, batch builders and open/reopen helpers. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@samsa/common';
import { buildControlBatch, buildRecordBatch, ControlRecordType, iterateBatches, type CompressionType } from '@samsa/records';
import type { LogConfig } from '../log-config.js';
import { PartitionLog } from '../partition-log.js';

export interface LogContext {
  dir: string;
  clock: ManualClock;
  open(config?: Partial<LogConfig>): Promise<PartitionLog>;
  cleanup(): Promise<void>;
}

export async function logContext(): Promise<LogContext> {
  const dir = await mkdtemp(join(tmpdir(), 'samsa-log-'));
  const clock = new ManualClock(1_700_000_000_000);
  const opened: PartitionLog[] = [];
  return {
    dir,
    clock,
    async open(config = {}) {
      const log = await PartitionLog.open({ dir, clock, config: { flushMs: Number.MAX_SAFE_INTEGER, ...config } });
      opened.push(log);
      return log;
    },
    async cleanup() {
      // Close what the test left open (a closed log's close is a no-op; a failing one is moot here).
      await Promise.all(opened.map((log) => log.close().catch(() => undefined)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let sequence = 0;

/** A batch of `count` records with distinct keys and values. */
export function batch(count: number, options: { timestamp?: number; keyPrefix?: string; valueBytes?: number; compression?: CompressionType; producer?: { id: number; epoch: number; sequence: number }; transactional?: boolean } = {}): Buffer {
  const timestamp = options.timestamp ?? 1_700_000_000_000;
  const records = Array.from({ length: count }, (_, i) => {
    const n = sequence++;
    const value = options.valueBytes ? Buffer.alloc(options.valueBytes, n % 251) : `value-${n}`;
    return { key: `${options.keyPrefix ?? 'key'}-${n}`, value, timestamp: timestamp + i };
  });
  return buildRecordBatch(records, {
    compression: options.compression,
    producerId: options.producer?.id ?? -1,
    producerEpoch: options.producer?.epoch ?? -1,
    baseSequence: options.producer?.sequence ?? -1,
    isTransactional: options.transactional ?? false,
  });
}

export function keyedBatch(entries: Array<[string, string | null]>, timestamp = 1_700_000_000_000): Buffer {
  return buildRecordBatch(entries.map(([key, value], i) => ({ key, value, timestamp: timestamp + i })));
}

export function marker(type: 'commit' | 'abort', producer: { id: number; epoch: number }, coordinatorEpoch = 0): Buffer {
  return buildControlBatch({
    type: type === 'commit' ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
    coordinatorEpoch,
    producerId: producer.id,
    producerEpoch: producer.epoch,
    timestampMs: 1_700_000_000_000,
  });
}

/** Every record (offset, key, value) in the bytes a read returned, from `fromOffset` on. */
export function recordsOf(bytes: Buffer, fromOffset = 0): Array<{ offset: number; key: string | null; value: string | null }> {
  const out: Array<{ offset: number; key: string | null; value: string | null }> = [];
  for (const view of iterateBatches(bytes)) {
    if (view.isControl) continue;
    for (const record of view.records()) {
      if (record.offset >= fromOffset) out.push({ offset: record.offset, key: record.key?.toString() ?? null, value: record.value?.toString() ?? null });
    }
  }
  return out;
}

/** Reads the whole log from its start as records. */
export async function readAll(log: PartitionLog, maxOffset?: number) {
  const out: ReturnType<typeof recordsOf> = [];
  let offset = log.logStartOffset;
  const end = maxOffset ?? log.logEndOffset;
  while (offset < end) {
    const result = await log.read(offset, { maxBytes: 1 << 20, maxOffset: end });
    if (result.bytes.length === 0) break;
    out.push(...recordsOf(result.bytes, offset));
    offset = result.nextOffset;
  }
  return out;
}

/** The SamsaError code a promise rejects with, or 'ok'. */
export async function errorCodeOf(promise: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { code: number }).code;
  }
}
