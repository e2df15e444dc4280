import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { decodeRecords, type RecordsContext } from './record-codec.js';
import { RecordColumns } from './record-columns.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const CONTEXT: RecordsContext = { baseOffset: 100, baseTimestamp: 1_700_000_000_000, logAppendTime: null };
/** spec §1.8 Example A's record: key "key", value "value", no headers. */
const EXAMPLE_A_RECORD = '1c 00 00 00 06 6b6579 0a 76616c7565 00';
/** Example C's first record: null key, value "hello", header h=v. */
const EXAMPLE_C_RECORD = '1e 00 00 00 01 0a 68656c6c6f 02 02 68 02 76';
/** offsetDelta 2, timestampDelta 3, key "k", null value (a tombstone), no headers. */
const TOMBSTONE = '0e 00 06 04 02 6b 01 00';

const rows = (columns: RecordColumns) =>
  Array.from({ length: columns.count }, (_, index) => ({
    offset: columns.offset(index),
    timestamp: columns.timestamp(index),
    key: columns.key(index)?.toString() ?? null,
    value: columns.value(index)?.toString() ?? null,
    headers: columns.headers(index).map((header) => [header.key, header.value?.toString() ?? null]),
  }));

describe('RecordColumns', () => {
  it('decodes what decodeRecords decodes, without an object per record', () => {
    const bytes = hex(`${EXAMPLE_A_RECORD} ${EXAMPLE_C_RECORD} ${TOMBSTONE}`);
    const columns = new RecordColumns();
    columns.decode(bytes, 0, bytes.length, 3, CONTEXT);
    expect(rows(columns)).toEqual([
      { offset: 100, timestamp: CONTEXT.baseTimestamp, key: 'key', value: 'value', headers: [] },
      { offset: 100, timestamp: CONTEXT.baseTimestamp, key: null, value: 'hello', headers: [['h', 'v']] },
      { offset: 102, timestamp: CONTEXT.baseTimestamp + 3, key: 'k', value: null, headers: [] },
    ]);
    const generated = [...decodeRecords(bytes, 0, bytes.length, 3, CONTEXT)];
    expect(generated.map((record) => [record.offset, record.timestamp, record.offsetDelta, record.timestampDelta, record.attributes])).toEqual(
      Array.from({ length: 3 }, (_, index) => [columns.offset(index), columns.timestamp(index), columns.offsetDelta(index), columns.timestampDelta(index), columns.attributes(index)]),
    );
  });

  it('hands out keys and values that alias the source, and views that outlive the next batch', () => {
    const first = hex(EXAMPLE_A_RECORD);
    const columns = new RecordColumns();
    columns.decode(first, 0, first.length, 1, CONTEXT);
    const value = columns.value(0) as Buffer;
    expect(value.buffer).toBe(first.buffer);
    const many = hex(Array.from({ length: 40 }, () => TOMBSTONE).join(' '));
    columns.decode(many, 0, many.length, 40, { ...CONTEXT, baseOffset: 7 });
    expect(columns.count).toBe(40);
    expect(columns.offset(39)).toBe(9);
    expect(value.toString()).toBe('value');
  });

  it('gives every record a headers array of its own', () => {
    const bytes = hex(`${EXAMPLE_A_RECORD} ${EXAMPLE_A_RECORD}`);
    const columns = new RecordColumns();
    columns.decode(bytes, 0, bytes.length, 2, CONTEXT);
    expect(columns.headers(0)).not.toBe(columns.headers(1));
  });

  it('stamps LogAppendTime on every record', () => {
    const bytes = hex(`${EXAMPLE_A_RECORD} ${TOMBSTONE}`);
    const columns = new RecordColumns();
    columns.decode(bytes, 0, bytes.length, 2, { ...CONTEXT, logAppendTime: 42 });
    expect([columns.timestamp(0), columns.timestamp(1)]).toEqual([42, 42]);
  });

  it('checks the whole batch before anything is readable: a damaged record leaves no records', () => {
    const good = hex(EXAMPLE_A_RECORD);
    const columns = new RecordColumns();
    columns.decode(good, 0, good.length, 1, CONTEXT);
    const damaged = hex(`${EXAMPLE_A_RECORD} 0e 00 06 04 02 6b 7f 00`); // second value length −64
    expect(() => columns.decode(damaged, 0, damaged.length, 2, CONTEXT)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_RECORD, message: 'Invalid value size -64' }));
    expect(columns.count).toBe(0);
    expect(() => columns.decode(good, 0, good.length, 2, CONTEXT)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_RECORD }));
    expect(() => columns.decode(hex(`${EXAMPLE_A_RECORD} 00`), 0, good.length + 1, 1, CONTEXT)).toThrow(expect.objectContaining({ message: expect.stringMatching(/1 bytes remain after 1 records/) }));
    expect(() => columns.decode(good, 0, good.length, -1, CONTEXT)).toThrow(expect.objectContaining({ message: 'Invalid negative record count -1' }));
  });
});
