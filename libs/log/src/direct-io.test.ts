import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALIGNMENT, alignedBuffer, alignUp, DirectAppender, isAligned, openDirect, readDirect } from './direct-io.js';
import { PartitionLog } from './partition-log.js';
import { batch, readAll, recordsOf } from './__tests__/log-context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-direct-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readPlain = async (path: string, position: number, length: number) => {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
};

describe('DirectAppender', () => {
  it('appends parts of every size (within a block, across blocks, beyond its staging memory) and leaves only zero padding after them', async () => {
    const path = join(dir, 'segment.log');
    await writeFile(path, '');
    const appender = (await DirectAppender.open(path, 0, (position, length) => readPlain(path, position, length))) as DirectAppender;
    const written: Buffer[] = [];
    for (const sizes of [[1], [ALIGNMENT - 1], [ALIGNMENT], [3, ALIGNMENT + 1, 77], [(4 << 20) + 5000], [10]]) {
      const parts = sizes.map((size) => ({ bytes: randomBytes(size) }));
      await appender.append(parts);
      written.push(...parts.map((part) => part.bytes));
      const expected = Buffer.concat(written);
      expect(appender.size).toBe(expected.length);
      const file = await readFile(path);
      expect(file.length).toBe(alignUp(expected.length));
      expect(file.subarray(0, expected.length).equals(expected)).toBe(true);
      expect(file.subarray(expected.length).every((byte) => byte === 0)).toBe(true);
    }
    await appender.close();
  });

  it('continues a file whose last block is partial, keeping the bytes already there', async () => {
    const path = join(dir, 'segment.log');
    const existing = randomBytes(ALIGNMENT * 2 + 123);
    await writeFile(path, existing);
    const appender = (await DirectAppender.open(path, existing.length, (position, length) => readPlain(path, position, length))) as DirectAppender;
    const more = randomBytes(5000);
    await appender.append([{ bytes: more }]);
    await appender.close();
    expect((await readFile(path)).subarray(0, existing.length + more.length).equals(Buffer.concat([existing, more]))).toBe(true);
  });
});

describe('readDirect', () => {
  it('returns the bytes a buffered read returns, at any position and length, up to the end of the file', async () => {
    const path = join(dir, 'data');
    const data = randomBytes(3 * ALIGNMENT + 999);
    await writeFile(path, data);
    const handle = (await openDirect(path, 'read')) as NonNullable<Awaited<ReturnType<typeof openDirect>>>;
    const scratch = alignedBuffer(8 * ALIGNMENT);
    try {
      for (const [position, length] of [[0, 10], [1, ALIGNMENT], [ALIGNMENT - 1, 2], [ALIGNMENT * 2 + 5, 5000], [100, data.length]]) {
        const read = (await readDirect(handle, position as number, length as number, scratch)) as Buffer;
        expect(read.equals(data.subarray(position, (position as number) + (length as number)))).toBe(true);
        expect(read.buffer).toBe(scratch.buffer);
      }
      expect(await readDirect(handle, 0, 10, Buffer.alloc(8 * ALIGNMENT))).toBeUndefined();
      expect(await readDirect(handle, 1, 8 * ALIGNMENT, scratch)).toBeUndefined();
    } finally {
      await handle.close();
    }
  });

  it('knows aligned memory from other memory', () => {
    const aligned = alignedBuffer(10_000);
    expect(isAligned(aligned)).toBe(true);
    expect(isAligned(aligned.subarray(ALIGNMENT))).toBe(true);
    expect(isAligned(aligned.subarray(1))).toBe(false);
    expect(isAligned(Buffer.allocUnsafeSlow(ALIGNMENT * 4))).toBe(false);
  });
});

describe('PartitionLog with direct I/O', () => {
  it('reads into aligned memory return the same batches as buffered reads, across segments and after truncation', async () => {
    const log = await PartitionLog.open({ dir, config: { segmentBytes: 16 * 1024, indexIntervalBytes: 512, flushMs: Number.MAX_SAFE_INTEGER } });
    try {
      for (let i = 0; i < 80; i++) await log.append(batch(1 + (i % 4), { valueBytes: 40 + (i % 7) * 30 }), { origin: 'leader' });
      await log.truncateTo(70);
      for (let i = 0; i < 10; i++) await log.append(batch(2, { valueBytes: 300 }), { origin: 'leader' });
      const scratch = alignedBuffer(64 * 1024);
      for (let offset = 0; offset < log.logEndOffset; ) {
        const direct = await log.read(offset, { maxBytes: 700, buffer: scratch });
        const plain = await log.read(offset, { maxBytes: 700 });
        expect(direct.bytes.equals(plain.bytes)).toBe(true);
        offset = direct.nextOffset;
      }
      // A direct read starts at the aligned position below the batch: the answer sits inside the scratch memory.
      const second = await log.read(log.segments[0]?.baseOffset === 0 ? 1 : 0, { maxBytes: 300, buffer: scratch });
      expect(second.bytes.buffer).toBe(scratch.buffer);
      expect(second.bytes.byteOffset).toBeGreaterThan(0);
      expect((await readAll(log)).map((record) => record.offset)).toEqual(Array.from({ length: log.logEndOffset }, (_, i) => i));
    } finally {
      await log.close();
    }
  });

  it('with directIo off appends and reads through the page cache, with no padding', async () => {
    const config = { directIo: false, flushMs: Number.MAX_SAFE_INTEGER };
    let log = await PartitionLog.open({ dir, config });
    for (let i = 0; i < 5; i++) await log.append(batch(2), { origin: 'leader' });
    expect((await stat(join(dir, '00000000000000000000.log'))).size).toBe(log.segments[0]?.size);
    const scratch = alignedBuffer(64 * 1024);
    const read = await log.read(1, { maxBytes: 1 << 20, buffer: scratch });
    expect(recordsOf(read.bytes)).toHaveLength(10);
    expect(read.bytes.byteOffset).toBe(0);
    await log.close();
    log = await PartitionLog.open({ dir, config });
    expect(log.logEndOffset).toBe(10);
    await log.close();
  });
});
