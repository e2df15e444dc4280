/**
 * Direct I/O for segment files (O_DIRECT): appends and fetch reads that bypass the page cache,
 * as Redpanda does. On machines where page-cache memory is expensive to touch (VMs whose guest
 * memory is handed back to the host when cold) buffered writes ran at a quarter of what the
 * device takes directly; see the storage-node bench.
 *
 * O_DIRECT wants file positions, lengths and memory addresses aligned to the device's logical
 * block. We align everything to ALIGNMENT (4096, covering 512- and 4096-byte devices). Node cannot
 * allocate aligned memory, but a WebAssembly.Memory is page-aligned: `alignedBuffer` hands out
 * such memory, and `isAligned` tells whether a buffer is one (reads into other memory stay
 * buffered). A file system that refuses O_DIRECT (tmpfs) makes `openDirect` return undefined and
 * the segment keeps buffered I/O.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The one WebAssembly API used here (the project's TypeScript libs do not declare WebAssembly). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer } };

export const ALIGNMENT = 4096;
const WASM_PAGE = 65536;

const alignedMemory = new WeakSet<ArrayBufferLike>();

export const alignDown = (value: number): number => value - (value % ALIGNMENT);
export const alignUp = (value: number): number => alignDown(value + ALIGNMENT - 1);

/** `size` bytes (uninitialized contents) at a page-aligned address, usable for O_DIRECT. */
export function alignedBuffer(size: number): Buffer {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(size / WASM_PAGE)) });
  alignedMemory.add(memory.buffer);
  return Buffer.from(memory.buffer, 0, size);
}

/** True when `buffer` starts at an aligned address of memory from `alignedBuffer`. */
export function isAligned(buffer: Buffer): boolean {
  return buffer.byteOffset % ALIGNMENT === 0 && alignedMemory.has(buffer.buffer);
}

/** Opens `path` for direct I/O; undefined when the file system does not support it. */
export async function openDirect(path: string, flags: 'write' | 'read'): Promise<FileHandle | undefined> {
  try {
    return await open(path, (flags === 'write' ? constants.O_WRONLY : constants.O_RDONLY) | constants.O_DIRECT);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EINVAL' || (error as NodeJS.ErrnoException).code === 'EOPNOTSUPP') return undefined;
    throw error;
  }
}

/** Staging memory for appends, reused across segments; at most KEPT idle buffers are kept. */
const STAGING_BYTES = 4 << 20;
const KEPT = 4;
const idleStaging: Buffer[] = [];

/**
 * DirectAppender: writes a segment's appends with O_DIRECT. The file's last partial block (the
 * bytes after the last aligned position) is kept in memory; each append writes that block again
 * with the new bytes after it, padded with zeros to the next aligned position. So the file can be
 * longer than the segment by up to one block of zeros: the segment truncates it to its size when
 * it is closed or rolled, and recovery after a crash stops at the zeros as at any torn tail.
 * Appends must not overlap (the PartitionLog serializes them).
 */
export class DirectAppender {
  private readonly tail = Buffer.alloc(ALIGNMENT);

  private constructor(
    private readonly handle: FileHandle,
    /** Aligned file position of the partial last block. */
    private tailStart: number,
    private tailLength: number,
  ) {}

  /** Opens `path` (whose segment holds `size` bytes) for direct appends, reading its partial last block through `read`; undefined when unsupported. */
  static async open(path: string, size: number, read: (position: number, length: number) => Promise<Buffer>): Promise<DirectAppender | undefined> {
    const handle = await openDirect(path, 'write');
    if (!handle) return undefined;
    const tailStart = alignDown(size);
    const appender = new DirectAppender(handle, tailStart, size - tailStart);
    try {
      if (appender.tailLength > 0) {
        const bytes = await read(tailStart, appender.tailLength);
        if (bytes.length !== appender.tailLength) throw new Error(`segment file ${path} is shorter than its ${size} bytes`);
        bytes.copy(appender.tail);
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return appender;
  }

  /** The segment size the appender continues from. */
  get size(): number {
    return this.tailStart + this.tailLength;
  }

  /** Writes `parts` after the current end. On failure nothing of the appender's state changes. */
  async append(parts: ReadonlyArray<{ bytes: Buffer }>): Promise<void> {
    const staging = idleStaging.pop() ?? alignedBuffer(STAGING_BYTES);
    try {
      let fileAt = this.tailStart;
      this.tail.copy(staging, 0, 0, this.tailLength);
      let filled = this.tailLength;
      for (const { bytes } of parts) {
        for (let copied = 0; copied < bytes.length; ) {
          const n = bytes.copy(staging, filled, copied);
          copied += n;
          filled += n;
          if (filled === staging.length) {
            await this.write(staging, filled, fileAt);
            fileAt += filled;
            filled = 0;
          }
        }
      }
      const padded = alignUp(filled);
      staging.fill(0, filled, padded);
      if (padded > 0) await this.write(staging, padded, fileAt);
      const keep = filled % ALIGNMENT;
      staging.copy(this.tail, 0, filled - keep, filled);
      this.tailStart = fileAt + filled - keep;
      this.tailLength = keep;
    } finally {
      if (idleStaging.length < KEPT) idleStaging.push(staging);
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async write(staging: Buffer, length: number, position: number): Promise<void> {
    for (let done = 0; done < length; ) {
      const { bytesWritten } = await this.handle.write(staging, done, length - done, position + done);
      if (bytesWritten === 0 || bytesWritten % ALIGNMENT !== 0) throw new Error(`a direct write at ${position + done} wrote ${bytesWritten} of ${length - done} bytes`);
      done += bytesWritten;
    }
  }
}

/**
 * Reads `length` bytes at `position` with O_DIRECT into `scratch` (aligned memory with room for
 * the alignment on both ends); returns the view of the bytes asked for (fewer at end of file).
 * Undefined when `scratch` cannot take the aligned read: the caller reads buffered instead.
 */
export async function readDirect(handle: FileHandle, position: number, length: number, scratch: Buffer): Promise<Buffer | undefined> {
  const start = alignDown(position);
  const span = alignUp(position + length) - start;
  if (span > scratch.length || !isAligned(scratch)) return undefined;
  let filled = 0;
  while (filled < span) {
    const { bytesRead } = await handle.read(scratch, filled, span - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
    if (filled % ALIGNMENT !== 0) break; // end of file
  }
  const skip = position - start;
  return scratch.subarray(skip, skip + Math.max(0, Math.min(length, filled - skip)));
}
