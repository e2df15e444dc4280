/**
 * Structural checks of batches laid back to back (a segment file, a fetch or produce payload):
 * `probeBatch` classifies the bytes at one position, `iterateBatches` walks a whole buffer.
 *
 * Order of checks, as Kafka's `FileLogInputStream` does it: size header readable → batchLength
 * at least a bare header (49) → the whole batch present → magic 2 → stored CRC == CRC-32C of
 * bytes [21, size). A batch cut short by the end of the buffer is `incomplete` (a torn tail
 * after a crash, or a fetch read that stopped mid-batch); everything else wrong is `corrupt`.
 *
 * Pure: reads only, never copies the batch.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { BATCH_LENGTH_POSITION, LOG_OVERHEAD, MAGIC, MAGIC_POSITION, MIN_BATCH_LENGTH, RECORD_BATCH_HEADER_SIZE } from './constants.js';
import { RecordBatchView } from './record-batch-view.js';

/** Structure + CRC check of the batch at `position` (used by log recovery and reads). */
export type BatchProbe =
  | { kind: 'batch'; view: RecordBatchView }
  | { kind: 'incomplete'; availableBytes: number; neededBytes: number }
  | { kind: 'corrupt'; error: SamsaError };

function corrupt(message: string): BatchProbe {
  return { kind: 'corrupt', error: new SamsaError(ErrorCode.CORRUPT_MESSAGE, message) };
}

/**
 * Checks the batch at `position`. `incomplete.neededBytes` is the batch's full size when its
 * length field is readable, else the smallest possible batch (61).
 */
export function probeBatch(buffer: Buffer, position: number): BatchProbe {
  if (!Number.isInteger(position) || position < 0 || position > buffer.length) {
    throw new RangeError(`position ${position} is outside the buffer of ${buffer.length} bytes`);
  }
  const availableBytes = buffer.length - position;
  if (availableBytes < LOG_OVERHEAD) return { kind: 'incomplete', availableBytes, neededBytes: RECORD_BATCH_HEADER_SIZE };
  const batchLength = buffer.readInt32BE(position + BATCH_LENGTH_POSITION);
  if (batchLength < MIN_BATCH_LENGTH) {
    return corrupt(`Record batch size ${batchLength + LOG_OVERHEAD} at position ${position} is below the minimum ${RECORD_BATCH_HEADER_SIZE}`);
  }
  const neededBytes = batchLength + LOG_OVERHEAD;
  if (availableBytes < neededBytes) return { kind: 'incomplete', availableBytes, neededBytes };
  const magic = buffer.readInt8(position + MAGIC_POSITION);
  if (magic !== MAGIC) return corrupt(`Record batch at position ${position} has magic ${magic}; only magic ${MAGIC} is supported`);
  const view = new RecordBatchView(buffer, position);
  const stored = view.crc;
  const computed = view.computeCrc();
  if (stored !== computed) {
    return corrupt(`Record batch at position ${position} is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
  }
  return { kind: 'batch', view };
}

/** Every complete batch in `buffer`, in order; throws SamsaError(CORRUPT_MESSAGE) on a corrupt or incomplete one. */
export function* iterateBatches(buffer: Buffer): Generator<RecordBatchView> {
  let position = 0;
  while (position < buffer.length) {
    const probe = probeBatch(buffer, position);
    if (probe.kind === 'corrupt') throw probe.error;
    if (probe.kind === 'incomplete') {
      throw new SamsaError(
        ErrorCode.CORRUPT_MESSAGE,
        `Incomplete record batch at position ${position}: ${probe.availableBytes} of ${probe.neededBytes} bytes`,
      );
    }
    yield probe.view;
    position += probe.view.sizeInBytes;
  }
}
