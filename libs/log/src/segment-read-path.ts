/**
 * The segment's read paths that never validate or decode records: walking batch headers from a
 * position (opening, timestamp lookups, truncation) and the fetch read, which finds the batch
 * holding an offset from an index position and returns whole stored batches by position.
 */
import type { FileHandle } from 'node:fs/promises';
import { LOG_OVERHEAD, RecordBatchView } from '@samsa/records';
import { readAt } from './segment-scanner.js';

/** How many header bytes a read needs to see a batch's length and last offset delta. */
export const HEADER_PEEK = 27;

/** What a fetch read returns: whole batches, the first holding the fetch offset. */
export interface SegmentRead {
  bytes: Buffer;
  /** Base offset of the first batch returned (may be below the fetch offset). */
  firstOffset: number;
  /** Offset after the last batch returned. */
  nextOffset: number;
}

const RESUMES_KEPT = 32;

/**
 * Where recent reads of a segment ended, by the offset after them. A consumer or follower reading
 * on from there starts at that exact position with a window of just what it asked for, instead of
 * at the index entry below with room for the skip. `clear` (truncation, rebuilt indexes) also
 * voids what reads already in flight would remember.
 */
export class ReadResumes {
  private readonly positions = new Map<number, number>();
  private generation = 0;

  get(offset: number): number | undefined {
    return this.positions.get(offset);
  }

  /** A token for `remember`: stale once the segment changes under the read. */
  begin(): number {
    return this.generation;
  }

  remember(token: number, offset: number, position: number): void {
    if (token !== this.generation) return;
    this.positions.delete(offset);
    this.positions.set(offset, position);
    if (this.positions.size > RESUMES_KEPT) this.positions.delete(this.positions.keys().next().value as number);
  }

  clear(): void {
    this.generation++;
    this.positions.clear();
  }
}

/** Reads whole batches from `position` up to `size` in growing chunks and visits each (no validation); `visit` returns false to stop. */
export async function walkHeaders(handle: FileHandle, position: number, size: number, visit: (view: RecordBatchView, position: number) => boolean | void): Promise<void> {
  let chunkStart = position;
  let chunk: Buffer = Buffer.alloc(0);
  let at = position;
  // Start small (opening reads only a few headers) and grow for long walks.
  let chunkBytes = 64 * 1024;
  while (at + LOG_OVERHEAD <= size) {
    let offsetInChunk = at - chunkStart;
    if (offsetInChunk + HEADER_PEEK > chunk.length || offsetInChunk + new RecordBatchView(chunk, offsetInChunk).sizeInBytes > chunk.length) {
      chunkStart = at;
      chunk = await readAt(handle, at, Math.min(size - at, chunkBytes));
      chunkBytes = Math.min(chunkBytes * 4, 1 << 20);
      offsetInChunk = 0;
      if (chunk.length < HEADER_PEEK) return;
      const needed = new RecordBatchView(chunk, 0).sizeInBytes;
      if (needed > chunk.length) chunk = await readAt(handle, at, Math.min(size - at, needed));
      if (needed > chunk.length) return;
    }
    const view = new RecordBatchView(chunk, offsetInChunk);
    if (visit(view, at) === false) return;
    at += view.sizeInBytes;
  }
}

/** Reads `length` bytes at `position` (fewer only at end of file), into `into` when it can. */
export type SegmentReader = (position: number, length: number, into?: Buffer) => Promise<Buffer>;

export interface FetchRead {
  fetchOffset: number;
  maxBytes: number;
  /** Batches holding this offset or later are left out. */
  maxOffset: number;
  minOneBatch: boolean;
  /** Where to start looking: the offset index's entry at or below the fetch offset, or where a read ended at it. */
  indexPosition: number;
  /** The segment's size when the read began (bytes past it may be half written). */
  end: number;
  /** Bytes of the first read: usually enough for the skip from the index entry and the answer. */
  windowBytes: number;
  scratch?: Buffer;
}

/**
 * Whole batches starting with the one holding `fetchOffset`, ending before `maxOffset` and within
 * `maxBytes` — with `minOneBatch`, the first batch even when larger. Undefined when none qualifies.
 */
export async function readBatches(read: SegmentReader, request: FetchRead): Promise<(SegmentRead & { endPosition: number }) | undefined> {
  const { fetchOffset, maxBytes, maxOffset, minOneBatch, end, scratch } = request;
  let windowStart = request.indexPosition;
  let window: Buffer = Buffer.alloc(0);
  let at = 0;
  // Find the batch holding fetchOffset, reading a window that usually also covers the answer.
  for (;;) {
    if (windowStart + at >= end) return undefined;
    if (at + HEADER_PEEK > window.length) {
      windowStart += at;
      at = 0;
      window = await read(windowStart, Math.min(end - windowStart, request.windowBytes), scratch);
      if (window.length < HEADER_PEEK) return undefined;
    }
    const view = new RecordBatchView(window, at);
    if (view.lastOffset >= fetchOffset) break;
    at += view.sizeInBytes;
  }
  const first = new RecordBatchView(window, at);
  if (first.lastOffset >= maxOffset) return undefined;
  // Collect whole batches: headers are read from the window, re-reading when a batch overruns it.
  let total = 0;
  let nextOffset = first.baseOffset;
  let cursor = at;
  for (;;) {
    if (windowStart + cursor >= end) break;
    if (cursor + HEADER_PEEK > window.length) {
      const more = await read(windowStart + window.length, Math.min(end - windowStart - window.length, Math.max(maxBytes - total, HEADER_PEEK)));
      window = Buffer.concat([window, more]);
      if (cursor + HEADER_PEEK > window.length) break;
    }
    const view = new RecordBatchView(window, cursor);
    const size = view.sizeInBytes;
    if (view.lastOffset >= maxOffset) break;
    if (total + size > maxBytes && !(minOneBatch && total === 0)) break;
    if (windowStart + cursor + size > end) break;
    total += size;
    nextOffset = view.nextOffset;
    cursor += size;
  }
  if (total === 0) return undefined;
  const bytes = at + total <= window.length ? window.subarray(at, at + total) : await read(windowStart + at, total);
  return { bytes, firstOffset: first.baseOffset, nextOffset, endPosition: windowStart + cursor };
}
