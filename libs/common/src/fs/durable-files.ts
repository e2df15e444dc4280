/**
 * Durable file helpers for the stores: make a directory entry change (create, rename) durable,
 * and replace a file atomically — write a temp file, fsync it, rename it over the old one, fsync
 * the directory — so a crash leaves either the old or the new file, never a torn one.
 */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Makes a rename or file creation in `dir` durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` with `data` atomically and durably (temp file `<path>.tmp`). */
export async function writeFileAtomically(path: string, data: Buffer): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
}
