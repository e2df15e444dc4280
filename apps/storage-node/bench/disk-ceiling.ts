/**
 * The machine's disk append ceiling, measured in the same run as Samsa: sequential buffered
 * appends of 1 MiB chunks (the log writes queued batches as one vectored write) to a file in
 * the OS temp dir (where the bench cluster keeps its logs),
 * the same write pattern as a partition log with no indexing, checksums or protocol around it.
 */
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function measureDiskAppendMBps(totalBytes: number, chunkBytes = 1024 * 1024): Promise<number> {
  const path = join(tmpdir(), `samsa-disk-ceiling-${process.pid}.log`);
  const chunk = Buffer.alloc(chunkBytes, 7);
  const file = await open(path, 'w');
  try {
    const started = process.hrtime.bigint();
    for (let written = 0; written < totalBytes; written += chunkBytes) await file.write(chunk, 0, chunkBytes);
    return totalBytes / 1e6 / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await file.close();
    await rm(path, { force: true });
  }
}
