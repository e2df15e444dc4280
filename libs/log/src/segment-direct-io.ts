/**
 * SegmentDirectIo: one segment file's direct I/O (direct-io.ts) — its DirectAppender, opened at
 * the first append, and its O_DIRECT read handle, opened at the first read into aligned memory.
 * Either falls back to the segment's buffered file when the file system refuses O_DIRECT.
 *
 * The segment tells it when the file is cut (`endAppends` before any truncation: the next append
 * reads the new last block again) and whether zero padding may follow the batches (`padded`).
 */
import type { FileHandle } from 'node:fs/promises';
import { DirectAppender, isAligned, openDirect, readDirect } from './direct-io.js';
import type { SegmentReader } from './segment-read-path.js';

export class SegmentDirectIo {
  /** The file may hold zero padding past the segment's size (direct appends write whole blocks). */
  padded = false;
  private appender: DirectAppender | undefined;
  /** Set when the file system refused O_DIRECT for appends: they stay buffered. */
  private refused = false;
  private readHandle: Promise<FileHandle | undefined> | undefined;
  private directReader: Promise<SegmentReader | undefined> | undefined;

  constructor(
    private readonly path: string,
    private readonly enabled: boolean,
    /** Reads through the page cache (the segment's buffered file). */
    private readonly bufferedReader: SegmentReader,
  ) {}

  /** The appender continuing at `size`, opened on first use; undefined for buffered appends. */
  async appenderAt(size: number): Promise<DirectAppender | undefined> {
    if (!this.enabled || this.refused) return undefined;
    if (!this.appender) {
      this.appender = await DirectAppender.open(this.path, size, (position, length) => this.bufferedReader(position, length));
      this.refused = this.appender === undefined;
    }
    if (this.appender) this.padded = true;
    return this.appender;
  }

  /** Ends direct appends (before the file is cut or closed). */
  async endAppends(): Promise<void> {
    const appender = this.appender;
    this.appender = undefined;
    await appender?.close();
  }

  /** Reads into `scratch` go direct when it is aligned memory and the file system allows; others through the page cache. */
  async reader(scratch: Buffer | undefined): Promise<SegmentReader> {
    if (!scratch || !this.enabled || !isAligned(scratch)) return this.bufferedReader;
    this.directReader ??= (this.readHandle = openDirect(this.path, 'read')).then(
      (direct) => direct && (async (position, length, into) => (into ? await readDirect(direct, position, length, into) : undefined) ?? this.bufferedReader(position, length, into)),
    );
    return (await this.directReader) ?? this.bufferedReader;
  }

  async close(): Promise<void> {
    await this.endAppends();
    const handle = this.readHandle;
    this.readHandle = undefined;
    this.directReader = undefined;
    await (await handle)?.close();
  }
}
