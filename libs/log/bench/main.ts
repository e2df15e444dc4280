/**
 * Partition-log benchmark (issue #3). Every figure is printed next to this machine's own ceiling,
 * measured in the same run on the same disk, with their ratio:
 *   1. leader appends of 16 KiB batches (16 × 1 KiB records), interval flushing  vs  raw buffered
 *      sequential writes of the same 16 KiB buffers;
 *   2. sequential `read` in 1 MiB chunks  vs  raw sequential file reads of 1 MiB;
 *   3. appends with flush.messages=1  vs  raw write + fdatasync of the same sizes;
 *   4. opening the clean 1 GiB log  vs  reading it.
 * Loops are bounded by byte counts. Run: npm run bench (or npx tsx bench/main.ts in libs/log).
 */
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRecordBatch } from '@samsa/records';
import { PartitionLog } from '../src/partition-log.js';

const MiB = 1 << 20;
const TOTAL_BYTES = 1024 * MiB;
const ROUNDS = 4;
const SYNC_BYTES = 8 * MiB;

function template(): Buffer {
  const records = Array.from({ length: 16 }, (_, i) => ({ key: `key-${i}`, value: Buffer.alloc(1000, 97 + i), timestamp: Date.now() }));
  return buildRecordBatch(records);
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const rate = (bytes: number, seconds: number) => bytes / MiB / seconds;
function report(name: string, value: number, ceilingName: string, ceiling: number, goal: number, unit = 'MiB/s'): void {
  const ratio = value / ceiling;
  console.log(`${name}: ${value.toFixed(1)} ${unit}  |  ceiling (${ceilingName}): ${ceiling.toFixed(1)} ${unit}  |  ratio ${ratio.toFixed(2)} (goal >= ${goal})`);
}

/** Best (fastest) of the rounds: the machine is shared and noisy, so each side gets its best run. */
function best(seconds: number[]): number {
  return Math.min(...seconds);
}

async function rawWrite(path: string, batch: Buffer, count: number, sync: boolean): Promise<number> {
  return timed(async () => {
    const handle = await open(path, 'w');
    for (let i = 0, position = 0; i < count; i++, position += batch.length) {
      await handle.write(batch, 0, batch.length, position);
      if (sync) await handle.datasync();
    }
    await handle.close();
  });
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'samsa-log-bench-'));
  try {
    const batch = template();
    const roundBatches = Math.floor(TOTAL_BYTES / ROUNDS / batch.length);
    const roundBytes = roundBatches * batch.length;
    console.log(`batch ${batch.length} bytes; ${ROUNDS} alternating rounds of ${(roundBytes / MiB).toFixed(0)} MiB (raw, then log); best round reported`);
    await mkdir(join(dir, 'log'));
    let log = await PartitionLog.open({ dir: join(dir, 'log'), config: { flushMs: Number(process.env.BENCH_FLUSH_MS ?? 1000) } });

    // 1. appends (interval flush) vs raw buffered writes; the log grows to TOTAL_BYTES for step 4.
    const raw: number[] = [];
    const appended: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(await rawWrite(join(dir, `raw-${round}.bin`), batch, roundBatches, false));
      appended.push(await timed(async () => {
        for (let i = 0; i < roundBatches; i++) await log.append(batch, { origin: 'leader', leaderEpoch: 0 });
      }));
    }
    report('append, 16 KiB batches, interval flush', rate(roundBytes, best(appended)), 'raw buffered write', rate(roundBytes, best(raw)), 0.8);

    // 2. sequential reads of one round's worth of data, alternating
    const rawReads: number[] = [];
    const scratch = Buffer.allocUnsafe(MiB + 128 * 1024);
    const logReads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawReads.push(await timed(async () => {
        const handle = await open(join(dir, `raw-${round}.bin`), 'r');
        const buffer = Buffer.allocUnsafe(MiB);
        for (let position = 0; position < roundBytes; position += MiB) await handle.read(buffer, 0, MiB, position);
        await handle.close();
      }));
      logReads.push(await timed(async () => {
        let offset = round * roundBatches * 16;
        const end = offset + roundBatches * 16;
        // Like the raw reader, the consumer reuses one buffer (it would copy the bytes into a response).
        while (offset < end) offset = (await log.read(offset, { maxBytes: MiB, maxOffset: end, buffer: scratch })).nextOffset;
      }));
    }
    report('read, 1 MiB chunks', rate(roundBytes, best(logReads)), 'raw sequential read', rate(roundBytes, best(rawReads)), 0.8);

    // 4. clean open of the whole log vs reading all of it
    const totalBytes = log.sizeInBytes;
    const readAll = await timed(async () => {
      let offset = 0;
      while (offset < log.logEndOffset) offset = (await log.read(offset, { maxBytes: MiB })).nextOffset;
    });
    await log.close();
    const opens: number[] = [];
    for (let round = 0; round < 3; round++) {
      opens.push(await timed(async () => {
        log = await PartitionLog.open({ dir: join(dir, 'log') });
      }));
      if (round < 2) await log.close();
    }
    const openSeconds = best(opens);
    console.log(`open clean ${(totalBytes / MiB).toFixed(0)} MiB log: ${(openSeconds * 1000).toFixed(1)} ms  |  reading it: ${(readAll * 1000).toFixed(0)} ms  |  ratio ${(openSeconds / readAll).toFixed(4)} (goal < 0.01)`);
    await log.close();

    // 3. flush.messages=1 vs raw write + fdatasync of the same sizes
    const syncBatches = Math.floor(SYNC_BYTES / batch.length);
    const syncBytes = syncBatches * batch.length;
    await mkdir(join(dir, 'sync-log'));
    const syncLog = await PartitionLog.open({ dir: join(dir, 'sync-log'), config: { flushMessages: 1 } });
    const rawSync: number[] = [];
    const logSync: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawSync.push(await rawWrite(join(dir, `raw-sync-${round}.bin`), batch, syncBatches, true));
      logSync.push(await timed(async () => {
        for (let i = 0; i < syncBatches; i++) await syncLog.append(batch, { origin: 'leader', leaderEpoch: 0 });
      }));
    }
    report('append with flush.messages=1 (one at a time)', rate(syncBytes, best(logSync)), 'raw write+fdatasync', rate(syncBytes, best(rawSync)), 0.8);
    const copies = Array.from({ length: 8 }, () => Buffer.from(batch));
    const grouped = await timed(async () => {
      for (let i = 0; i < syncBatches; i += 8) await Promise.all(copies.map((copy) => syncLog.append(copy, { origin: 'leader', leaderEpoch: 0 })));
    });
    report('append with flush.messages=1 (8 concurrent, grouped fsync)', rate(syncBytes, grouped), 'raw write+fdatasync', rate(syncBytes, best(rawSync)), 0.8);
    await syncLog.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
