/**
 * Properties of the whole codec: build → probe / iterate → records() is the identity for every
 * codec; in-place edits keep the CRC honest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchSpec, toRecordInputs, type BatchSpec } from './__tests__/arbitraries.js';
import { iterateBatches, probeBatch } from './batch-probe.js';
import { buildRecordBatch } from './batch-builder.js';
import { validateBatchForAppend } from './batch-validation.js';
import { TimestampType } from './constants.js';
import type { DecodedRecord } from './record-codec.js';
import { RecordBatchView } from './record-batch-view.js';
import { defined } from './__tests__/defined.js';

function build(spec: BatchSpec): Buffer {
  return buildRecordBatch(toRecordInputs(spec), spec.options);
}

/** What records() must yield for `spec`, given the batch's (possibly rewritten) baseOffset and maxTimestamp. */
function expected(spec: BatchSpec, view: RecordBatchView): DecodedRecord[] {
  const inputs = toRecordInputs(spec);
  const logAppendTime = view.timestampType === TimestampType.LOG_APPEND_TIME;
  return inputs.map((input, index) => {
    const offset = defined(input.offset);
    const timestamp = defined(input.timestamp);
    const offsetDelta = offset - spec.options.baseOffset;
    const record = defined(spec.records[index]);
    return {
      offset: view.baseOffset + offsetDelta,
      offsetDelta,
      timestamp: logAppendTime ? view.maxTimestamp : timestamp,
      timestampDelta: timestamp - spec.options.baseTimestamp,
      attributes: 0,
      key: record.key,
      value: record.value,
      headers: record.headers,
    };
  });
}

function probed(buffer: Buffer, position = 0): RecordBatchView {
  const probe = probeBatch(buffer, position);
  if (probe.kind !== 'batch') throw new Error(`expected a batch, got ${JSON.stringify(probe)}`);
  return probe.view;
}

describe('RecordBatch v2 round trip', () => {
  it('build → probe → records() gives back every record, for every codec', () => {
    fc.assert(
      fc.property(batchSpec(undefined, { gaps: true }), (spec) => {
        const view = probed(build(spec));
        expect(view.compression).toBe(spec.options.compression);
        expect(view.recordsCount).toBe(spec.records.length);
        expect(view.lastOffset).toBe(defined(toRecordInputs(spec).at(-1)).offset);
        expect([...view.records()]).toEqual(expected(spec, view));
      }),
      { numRuns: 300 },
    );
  });

  it('iterateBatches walks batches laid back to back, each decoding to its own records', () => {
    fc.assert(
      fc.property(fc.array(batchSpec(), { minLength: 1, maxLength: 5 }), (specs) => {
        const buffer = Buffer.concat(specs.map(build));
        const views = [...iterateBatches(buffer)];
        expect(views).toHaveLength(specs.length);
        views.forEach((view, index) => expect([...view.records()]).toEqual(expected(defined(specs[index]), view)));
        expect(views.reduce((total, view) => total + view.sizeInBytes, 0)).toBe(buffer.length);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes the same records twice from one view (decompressing once)', () => {
    fc.assert(
      fc.property(batchSpec(), (spec) => {
        const view = new RecordBatchView(build(spec));
        expect([...view.records()]).toEqual([...view.records()]);
      }),
      { numRuns: 50 },
    );
  });

  it('validates every batch it builds with consecutive offsets', () => {
    fc.assert(
      fc.property(batchSpec(), (spec) => {
        const options = { ...spec.options, baseSequence: (spec.options.producerId ?? -1) >= 0 ? Math.max(0, spec.options.baseSequence ?? 0) : -1 };
        const batch = buildRecordBatch(toRecordInputs(spec), options);
        const copy = Buffer.from(batch);
        expect(() => validateBatchForAppend(new RecordBatchView(batch))).not.toThrow();
        expect(batch.equals(copy)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('in-place edits', () => {
  it('setBaseOffset and setPartitionLeaderEpoch keep the CRC valid and move every offset', () => {
    fc.assert(
      fc.property(batchSpec(), fc.integer({ min: 0, max: 2 ** 52 }), fc.integer({ min: -1, max: 2 ** 31 - 1 }), (spec, baseOffset, epoch) => {
        const batch = build(spec);
        const crcBefore = new RecordBatchView(batch).crc;
        const view = new RecordBatchView(batch);
        view.setBaseOffset(baseOffset);
        view.setPartitionLeaderEpoch(epoch);
        const reread = probed(batch);
        expect(reread.crc).toBe(crcBefore);
        expect(reread.baseOffset).toBe(baseOffset);
        expect(reread.partitionLeaderEpoch).toBe(epoch);
        expect([...reread.records()].map((record) => record.offset)).toEqual(expected(spec, reread).map((record) => record.offset));
        expect(defined([...reread.records()][0]).offset).toBe(baseOffset);
      }),
      { numRuns: 100 },
    );
  });

  it('stampLogAppendTime sets the attribute bit and maxTimestamp, recomputes the CRC, and every record reads that time', () => {
    fc.assert(
      fc.property(batchSpec(), fc.integer({ min: 0, max: 2 ** 45 }), (spec, appendTime) => {
        const batch = build(spec);
        const view = new RecordBatchView(batch);
        const attributesBefore = view.attributes;
        view.stampLogAppendTime(appendTime);
        const reread = probed(batch);
        expect(reread.crc).toBe(reread.computeCrc());
        expect(reread.attributes).toBe(attributesBefore | 0x08);
        expect(reread.timestampType).toBe(TimestampType.LOG_APPEND_TIME);
        expect(reread.maxTimestamp).toBe(appendTime);
        expect(reread.compression).toBe(spec.options.compression);
        expect([...reread.records()].every((record) => record.timestamp === appendTime)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
