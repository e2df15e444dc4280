/**
 * JournalFile: the embedded store's append-only journal — one frame (see frame.ts) per committed
 * entry, appended and fdatasync'ed before the commit is acknowledged.
 *
 * Invariants:
 * - On open, everything after the last whole, valid frame (a torn append from a crash) is
 *   truncated away before anything new is appended, so new entries never follow garbage.
 * - Fail-stop: if an append fails (disk full, I/O error), the file may end in a partial frame and
 *   this journal refuses every later append; reopening the store trims the partial frame. Nothing
 *   that failed was acknowledged, and nothing acknowledged follows a partial frame.
 * - `reset()` (after a snapshot has been made durable) truncates to empty and syncs.
 *
 * Concurrency: one writer; the store calls append/reset from its serial queue only.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { decodeFrames, encodeFrame } from './frame.js';
import { syncDirectory } from './snapshot-file.js';

export interface OpenedJournal {
  journal: JournalFile;
  payloads: Buffer[];
  /** Bytes of a torn or corrupt tail that were trimmed. */
  trimmedBytes: number;
}

export class JournalFile {
  private failure: Error | undefined;

  private constructor(
    private readonly handle: FileHandle,
    private size: number,
  ) {}

  static async open(path: string): Promise<OpenedJournal> {
    const existing = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    const handle = await open(path, 'a');
    try {
      if (existing === undefined) await syncDirectory(dirname(path));
      const { payloads, validBytes, tornBytes } = decodeFrames(existing ?? Buffer.alloc(0));
      if (tornBytes > 0) {
        await handle.truncate(validBytes);
        await handle.datasync();
      }
      return { journal: new JournalFile(handle, validBytes), payloads, trimmedBytes: tornBytes };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  get sizeBytes(): number {
    return this.size;
  }

  /** Appends one frame and makes it durable. */
  async append(payload: Buffer): Promise<void> {
    if (this.failure) throw new Error('the metadata journal failed earlier; reopen the store', { cause: this.failure });
    const frame = encodeFrame(payload);
    try {
      let written = 0;
      while (written < frame.length) {
        const { bytesWritten } = await this.handle.write(frame, written, frame.length - written);
        written += bytesWritten;
      }
      await this.handle.datasync();
      this.size += frame.length;
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
  }

  /** Empties the journal once a snapshot covers all of it. */
  async reset(): Promise<void> {
    if (this.failure) throw new Error('the metadata journal failed earlier; reopen the store', { cause: this.failure });
    try {
      await this.handle.truncate(0);
      await this.handle.datasync();
      this.size = 0;
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
