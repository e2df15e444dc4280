/**
 * The embedded store's snapshot file, replaced atomically: write `snapshot.tmp`, fsync it, rename
 * it over `snapshot`, fsync the directory. A reader therefore sees the old snapshot or the new
 * one, never a mix; a leftover `snapshot.tmp` is from a crash mid-write and is ignored.
 * The snapshot is one frame (frame.ts), so a damaged file is detected, and reported as corruption:
 * a snapshot is never torn by a crash, only by the disk.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from '@samsa/common';
import { decodeFrames, encodeFrame } from './frame.js';

export const SNAPSHOT_FILE = 'snapshot';
const TEMP_FILE = 'snapshot.tmp';

export async function writeSnapshotFile(dir: string, payload: Buffer): Promise<void> {
  const temp = join(dir, TEMP_FILE);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(encodeFrame(payload));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, join(dir, SNAPSHOT_FILE));
  await syncDirectory(dir);
}

/** The snapshot payload, or undefined if there is no snapshot yet. */
export async function readSnapshotFile(dir: string): Promise<Buffer | undefined> {
  await rm(join(dir, TEMP_FILE), { force: true });
  const path = join(dir, SNAPSHOT_FILE);
  const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (data === undefined) return undefined;
  const { payloads, tornBytes } = decodeFrames(data);
  const payload = payloads[0];
  if (payloads.length !== 1 || tornBytes !== 0 || payload === undefined) {
    throw new Error(`metadata snapshot ${path} is corrupt (bad length or checksum); restore it from a backup`);
  }
  return payload;
}

export { syncDirectory };
