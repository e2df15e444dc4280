/**
 * File I/O for the log cleaner (log-cleaner.ts): reading a segment's batches in order through a
 * handle of its own, and writing a compacted copy (`<base>.log.cleaned`, spec §5.1).
 *
 * Reading validates every batch (structure, magic, CRC): the cleaner decodes records, so it must
 * never copy damage into a cleaned segment; a bad batch is a broken invariant and aborts the run.
 * The reader only reads below the size it is given — a segment that is no longer active does not
 * grow, and the cleaner checks under the writer lock that it did not shrink.
 *
 * The writer buffers appends and makes the file durable in `finish` (write, fsync, close); a
 * cleaned file only matters once renamed to `.swap`, so `discard` may remove it at any point.
 */
import { open, rm, type FileHandle } from 'node:fs/promises';
import { probeBatch, type RecordBatchView } from '@samsa/records';
import { readAt } from './segment-scanner.js';

const CHUNK_BYTES = 1 << 20;

export interface PositionedBatch {
  view: RecordBatchView;
  /** Byte position of the batch in the segment file. */
  position: number;
}

/** Every batch in [0, size) of the segment file at `path`, validated, in file order. */
export async function* readSegmentBatches(path: string, size: number): AsyncGenerator<PositionedBatch> {
  const handle = await open(path, 'r');
  try {
    let chunkStart = 0;
    let chunk: Buffer = Buffer.alloc(0);
    let position = 0;
    while (position < size) {
      let probe = probeBatch(chunk, position - chunkStart);
      if (probe.kind === 'incomplete') {
        chunkStart = position;
        chunk = await readAt(handle, position, Math.min(size - position, Math.max(CHUNK_BYTES, probe.neededBytes)));
        probe = probeBatch(chunk, 0);
      }
      if (probe.kind === 'incomplete') throw new Error(`segment ${path} ends inside a batch at position ${position}`);
      if (probe.kind === 'corrupt') throw new Error(`segment ${path} holds a corrupt batch at position ${position}: ${probe.error.message}`);
      yield { view: probe.view, position };
      position += probe.view.sizeInBytes;
    }
  } finally {
    await handle.close();
  }
}

/** Buffered, append-only writer of a cleaned segment copy. */
export class CleanedSegmentWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes written so far (including those still buffered). */
  size = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /** Creates (truncating any leftover of an earlier attempt) the file at `path`. */
  static async create(path: string): Promise<CleanedSegmentWriter> {
    return new CleanedSegmentWriter(path, await open(path, 'w'));
  }

  async write(bytes: Buffer): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.size += bytes.length;
    if (this.pendingBytes >= CHUNK_BYTES) await this.drain();
  }

  /** Appends bytes [from, to) of the file at `sourcePath` (the unchanged prefix of a segment). */
  async copyRange(sourcePath: string, from: number, to: number): Promise<void> {
    if (to <= from) return;
    const source = await open(sourcePath, 'r');
    try {
      for (let at = from; at < to; at += CHUNK_BYTES) {
        const bytes = await readAt(source, at, Math.min(CHUNK_BYTES, to - at));
        if (bytes.length < Math.min(CHUNK_BYTES, to - at)) throw new Error(`${sourcePath} is shorter than ${to} bytes`);
        await this.write(bytes);
      }
    } finally {
      await source.close();
    }
  }

  /** Writes what is buffered, fsyncs and closes the file. */
  async finish(): Promise<void> {
    try {
      await this.drain();
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes (if still open) and removes the file. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  private async drain(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const bytes = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  }
}
