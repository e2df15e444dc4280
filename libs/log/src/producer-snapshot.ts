/**
 * Producer-state snapshot file `<offset>.snapshot` (spec §5.7), binary big-endian:
 *   version int16 (1) | crc uint32 (CRC-32C of every byte after it) | count int32 |
 *   count × { producerId int64, epoch int16, lastSequence int32, lastOffset int64,
 *             offsetDelta int32, timestamp int64, coordinatorEpoch int32, currentTxnFirstOffset int64 }
 * Only the last batch per producer is stored; after a reload the 5-batch window restarts from it.
 */
import { crc32c } from '@samsa/records';
import type { ProducerEntry } from './producer-state.js';

const VERSION = 1;
const HEADER_BYTES = 10;
const ENTRY_BYTES = 46;

export function encodeProducerSnapshot(entries: Iterable<ProducerEntry>): Buffer {
  const list = [...entries];
  const buffer = Buffer.alloc(HEADER_BYTES + list.length * ENTRY_BYTES);
  buffer.writeInt16BE(VERSION, 0);
  buffer.writeInt32BE(list.length, 6);
  list.forEach((entry, i) => {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    const last = entry.batches.at(-1);
    buffer.writeBigInt64BE(BigInt(entry.producerId), at);
    buffer.writeInt16BE(entry.epoch, at + 8);
    buffer.writeInt32BE(last?.lastSeq ?? -1, at + 10);
    buffer.writeBigInt64BE(BigInt(last?.lastOffset ?? -1), at + 14);
    buffer.writeInt32BE(last?.offsetDelta ?? 0, at + 22);
    buffer.writeBigInt64BE(BigInt(last?.timestamp ?? entry.lastTimestamp), at + 26);
    buffer.writeInt32BE(entry.coordinatorEpoch, at + 34);
    buffer.writeBigInt64BE(BigInt(entry.currentTxnFirstOffset), at + 38);
  });
  buffer.writeUInt32BE(crc32c(buffer.subarray(6)), 2);
  return buffer;
}

/** The entries, or undefined when the file is damaged (callers then rebuild from the log). */
export function decodeProducerSnapshot(buffer: Buffer): ProducerEntry[] | undefined {
  if (buffer.length < HEADER_BYTES || buffer.readInt16BE(0) !== VERSION) return undefined;
  if (buffer.readUInt32BE(2) !== crc32c(buffer.subarray(6))) return undefined;
  const count = buffer.readInt32BE(6);
  if (count < 0 || buffer.length !== HEADER_BYTES + count * ENTRY_BYTES) return undefined;
  const entries: ProducerEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * ENTRY_BYTES;
    const lastSeq = buffer.readInt32BE(at + 10);
    const lastOffset = Number(buffer.readBigInt64BE(at + 14));
    const offsetDelta = buffer.readInt32BE(at + 22);
    const timestamp = Number(buffer.readBigInt64BE(at + 26));
    entries.push({
      producerId: Number(buffer.readBigInt64BE(at)),
      epoch: buffer.readInt16BE(at + 8),
      batches: lastOffset >= 0 ? [{ firstSeq: lastSeq - offsetDelta, lastSeq, lastOffset, offsetDelta, timestamp }] : [],
      coordinatorEpoch: buffer.readInt32BE(at + 34),
      currentTxnFirstOffset: Number(buffer.readBigInt64BE(at + 38)),
      lastTimestamp: timestamp,
    });
  }
  return entries;
}
