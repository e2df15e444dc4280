/**
 * Writing an index file lazily: append the entries not yet on disk, or rewrite the whole file
 * after a truncation; `sync` also fsyncs it. Shared by the sparse indexes and the txn index.
 */
import { open } from 'node:fs/promises';

export async function writeIndexEntries(path: string, bytes: Buffer, rewrite: boolean, sync: boolean): Promise<void> {
  const handle = await open(path, rewrite ? 'w' : 'a');
  try {
    if (bytes.length > 0) await handle.write(bytes, 0, bytes.length);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}
