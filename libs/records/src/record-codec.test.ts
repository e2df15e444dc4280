import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodableRecord, recordSize, writeRecord, type RecordsContext } from './record-codec.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const CONTEXT: RecordsContext = { baseOffset: 100, baseTimestamp: 1_700_000_000_000, logAppendTime: null };
/** Example A's record (spec §1.8): length 14, key "key", value "value", no headers. */
const EXAMPLE_A_RECORD = '1c 00 00 00 06 6b6579 0a 76616c7565 00';
/** Example C's first record: null key, value "hello", header h=v. */
const EXAMPLE_C_RECORD = '1e 00 00 00 01 0a 68656c6c6f 02 02 68 02 76';

function decodeAll(bytes: Buffer, count: number, context = CONTEXT) {
  return [...decodeRecords(bytes, 0, bytes.length, count, context)];
}

function encode(...args: Parameters<typeof encodableRecord>): Buffer {
  const record = encodableRecord(...args);
  const buffer = Buffer.alloc(recordSize(record));
  expect(writeRecord(buffer, record, 0)).toBe(buffer.length);
  return buffer;
}

const invalid = (message: RegExp) => expect.objectContaining({ code: ErrorCode.INVALID_RECORD, message: expect.stringMatching(message) });

describe('record encoding', () => {
  it('writes the spec records byte for byte, from strings or Buffers', () => {
    expect(encode(0, 0, 'key', 'value').equals(hex(EXAMPLE_A_RECORD))).toBe(true);
    expect(encode(0, 0, Buffer.from('key'), Buffer.from('value'), []).equals(hex(EXAMPLE_A_RECORD))).toBe(true);
    expect(encode(0, 0, null, 'hello', [{ key: 'h', value: 'v' }]).equals(hex(EXAMPLE_C_RECORD))).toBe(true);
  });

  it('sizes multi-byte UTF-8 by bytes, not characters', () => {
    const record = encodableRecord(0, 0, 'ключ', '😀', [{ key: 'ü', value: null }]);
    expect([record.keySize, record.valueSize, record.headers[0]?.keySize, record.headers[0]?.valueSize]).toEqual([8, 4, 2, -1]);
  });
});

describe('record decoding', () => {
  it('decodes the spec records with offsets and timestamps from the batch context', () => {
    expect(decodeAll(Buffer.concat([hex(EXAMPLE_A_RECORD), hex(EXAMPLE_C_RECORD)]), 2)).toEqual([
      { offset: 100, offsetDelta: 0, timestamp: 1_700_000_000_000, timestampDelta: 0, attributes: 0, key: Buffer.from('key'), value: Buffer.from('value'), headers: [] },
      { offset: 100, offsetDelta: 0, timestamp: 1_700_000_000_000, timestampDelta: 0, attributes: 0, key: null, value: Buffer.from('hello'), headers: [{ key: 'h', value: Buffer.from('v') }] },
    ]);
  });

  it('uses the LogAppendTime for every record when the batch has one', () => {
    expect(decodeAll(hex(EXAMPLE_A_RECORD), 1, { ...CONTEXT, logAppendTime: 5 })[0]?.timestamp).toBe(5);
  });

  it.each([
    ['a negative record count', EXAMPLE_A_RECORD, -1, /negative record count/],
    ['fewer records than counted', EXAMPLE_A_RECORD, 2, /underflow/],
    ['bytes after the last record', `${EXAMPLE_A_RECORD} 00`, 1, /Incorrect declared batch size/],
    ['a negative record length', '01', 1, /Invalid record size -1/],
    ['a record longer than the bytes left', '1e 00 00 00 06 6b6579 0a 76616c7565 00', 1, /Invalid record size 15/],
    ['a record shorter than its fields', '1a 00 00 00 06 6b6579 0a 76616c7565 00 00', 1, /expected to read 13 bytes/],
    ['a key length below −1', '1c 00 00 00 03 6b6579 0a 76616c7565 00', 1, /Invalid key size -2/],
    ['a negative header count', '1c 00 00 00 06 6b6579 0a 76616c7565 01', 1, /invalid number of record headers -1/],
    ['more headers than bytes', '1c 00 00 00 06 6b6579 0a 76616c7565 7e', 1, /63 record headers cannot fit/],
    ['a negative header key length', '10 00 00 00 01 01 02 01 00', 1, /negative header key size -1/],
    ['a varint that never ends', '10 00 00 ff ff ff ff ff ff', 1, /too long/],
  ])('rejects %s as INVALID_RECORD', (_name, bytes, count, message) => {
    expect(() => decodeAll(hex(bytes), count)).toThrow(invalid(message));
  });

  it('rejects a timestamp beyond 2^53', () => {
    const context = { ...CONTEXT, baseTimestamp: Number.MAX_SAFE_INTEGER };
    expect(() => decodeAll(hex('1c 00 02 00 06 6b6579 0a 76616c7565 00'), 1, context)).toThrow(invalid(/timestamp/));
  });
});
