/** Test-only batch surgery: edit header bytes of a built batch, then re-seal its CRC so only the edit is wrong. */
import { CRC_POSITION } from '../constants.js';
import { RecordBatchView } from '../record-batch-view.js';

/** Recomputes and stores the CRC of the batch at `position`. */
export function reseal(batch: Buffer, position = 0): Buffer {
  const view = new RecordBatchView(batch, position);
  batch.writeUInt32BE(view.computeCrc(), position + CRC_POSITION);
  return batch;
}

/** Applies `edit` to a copy of `batch` and re-seals the CRC. */
export function edited(batch: Buffer, edit: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  return reseal(copy);
}

/** Appends `extra` bytes inside the batch (batchLength grows), re-sealed. */
export function withTrailingBytes(batch: Buffer, extra: Buffer): Buffer {
  const grown = Buffer.concat([batch, extra]);
  grown.writeInt32BE(grown.readInt32BE(8) + extra.length, 8);
  return reseal(grown);
}
