/**
 * The machine's disk append ceilings, measured in the same run as Samsa: sequential appends of
 * 1 MiB chunks (the log writes queued batches as one write) to a file in the OS temp dir (where
 * the bench cluster keeps its logs) — buffered (through the page cache), and with O_DIRECT from
 * page-aligned memory, as the partition log writes by default: the same write pattern as a
 * partition log with no indexing, checksums or protocol around it.
 */
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { alignedBuffer } from '@samsa/log';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function measureDiskAppendMBps(totalBytes: number, mode: 'buffered' | 'direct', chunkBytes = 1024 * 1024): Promise<number> {
  const path = join(tmpdir(), `samsa-disk-ceiling-${process.pid}.log`);
  const chunk = mode === 'direct' ? alignedBuffer(chunkBytes).fill(7) : Buffer.alloc(chunkBytes, 7);
  const file = await open(path, mode === 'direct' ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_DIRECT : 'w');
  try {
    const started = process.hrtime.bigint();
    for (let written = 0; written < totalBytes; written += chunkBytes) await file.write(chunk, 0, chunkBytes, written);
    return totalBytes / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
}
