/**
 * scanBatches: walks the batches of a segment file from a position, reading in large chunks and
 * checking each batch's structure and CRC (probeBatch). Recovery and index rebuilds use it; the
 * fetch path does not (it reads by position and never validates or decodes).
 */
import type { FileHandle } from 'node:fs/promises';
import { LOG_OVERHEAD, probeBatch, type RecordBatchView } from '@samsa/records';
import { isSamsaError, type SamsaError } from '@samsa/common';

export const SCAN_CHUNK_BYTES = 1 << 20;

export type ScanEnd =
  | { kind: 'end' }
  | { kind: 'incomplete' }
  | { kind: 'corrupt'; error: SamsaError }
  | { kind: 'stopped' };

export interface ScanResult {
  end: ScanEnd;
  /** Position just after the last batch visited (the valid size when the scan stopped on damage). */
  validBytes: number;
}

/** Visits every whole, valid batch in [from, fileSize); `visit` returns false to stop early. */
export async function scanBatches(
  handle: FileHandle,
  from: number,
  fileSize: number,
  visit: (view: RecordBatchView, position: number) => boolean | void,
): Promise<ScanResult> {
  let chunkStart = from;
  let chunk: Buffer = Buffer.alloc(0);
  let position = from;
  while (position < fileSize) {
    let probe = probeBatch(chunk, position - chunkStart);
    if (probe.kind === 'incomplete' && chunkStart + chunk.length < fileSize) {
      const wanted = Math.max(SCAN_CHUNK_BYTES, probe.kind === 'incomplete' ? probe.neededBytes : 0, LOG_OVERHEAD);
      chunkStart = position;
      chunk = await readAt(handle, position, Math.min(wanted, fileSize - position));
      probe = probeBatch(chunk, 0);
    }
    if (probe.kind === 'incomplete') return { end: { kind: 'incomplete' }, validBytes: position };
    if (probe.kind === 'corrupt') return { end: { kind: 'corrupt', error: probe.error }, validBytes: position };
    let keepGoing: boolean | void;
    try {
      keepGoing = visit(probe.view, position);
    } catch (error) {
      // A header field that cannot be read (an int64 beyond 2^53 in a damaged batch) is damage too.
      if (isSamsaError(error)) return { end: { kind: 'corrupt', error }, validBytes: position };
      throw error;
    }
    if (keepGoing === false) return { end: { kind: 'stopped' }, validBytes: position };
    position += probe.view.sizeInBytes;
  }
  return { end: { kind: 'end' }, validBytes: position };
}

/** Reads exactly `length` bytes at `position` (fewer only at end of file), into `scratch` when it is large enough. */
export async function readAt(handle: FileHandle, position: number, length: number, scratch?: Buffer): Promise<Buffer> {
  const buffer = scratch && scratch.length >= length ? scratch.subarray(0, length) : Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}
