import { gzipSync } from 'node:zlib';
import { ErrorCode } from '@samsa/proto';
import fc from 'fast-check';
import { compressSync as rawSnappy } from 'snappy';
import { describe, expect, it } from 'vitest';
import { compress, decompress, isSupportedCompression } from './compression.js';
import { CompressionType } from './constants.js';
import { SNAPPY_BLOCK_SIZE, XERIAL_HEADER_SIZE } from './snappy-framing.js';

const CODECS = [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD];
const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** Compressible but not trivial: repeated text with a counter. */
function sample(size: number): Buffer {
  const text = Array.from({ length: Math.ceil(size / 16) }, (_, index) => `record-${index.toString().padStart(9, '0')}`).join('');
  return Buffer.from(text.slice(0, size));
}

describe('compress / decompress', () => {
  it.each(CODECS)('round-trips arbitrary bytes with codec %i', (codec) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const data = Buffer.from(bytes);
        expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it.each(CODECS.filter((codec) => codec !== CompressionType.NONE))('shrinks compressible data and round-trips 200 KiB with codec %i', (codec) => {
    const data = sample(200 * 1024);
    const compressed = compress(codec, data);
    expect(compressed.length).toBeLessThan(data.length / 2);
    expect(decompress(codec, compressed).equals(data)).toBe(true);
  });

  it('leaves data alone for NONE (no copy)', () => {
    const data = Buffer.from('abc');
    expect(compress(CompressionType.NONE, data)).toBe(data);
    expect(decompress(CompressionType.NONE, data)).toBe(data);
  });

  it('honours a gzip and zstd level', () => {
    const data = sample(64 * 1024);
    expect(compress(CompressionType.GZIP, data, 0).length).toBeGreaterThan(data.length);
    expect(compress(CompressionType.ZSTD, data, -5).length).toBeGreaterThan(compress(CompressionType.ZSTD, data, 9).length);
  });

  it.each([5, 6, 7, -1])('rejects codec id %i as UNSUPPORTED_COMPRESSION_TYPE', (codec) => {
    expect(isSupportedCompression(codec)).toBe(false);
    const expected = expect.objectContaining({ code: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE });
    expect(() => compress(codec as CompressionType, Buffer.from('x'))).toThrow(expected);
    expect(() => decompress(codec as CompressionType, Buffer.from('x'))).toThrow(expected);
  });

  it.each(CODECS.filter((codec) => codec !== CompressionType.NONE))('reports undecodable codec %i input as CORRUPT_MESSAGE', (codec) => {
    const garbage = hex('82 53 4e 41 50 50 59 00 00 00 00 01 00 00 00 01 00 00 00 09 ff ff ff');
    const input = codec === CompressionType.SNAPPY ? garbage : Buffer.from('definitely not compressed data');
    expect(() => decompress(codec, input)).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });
});

describe('gzip', () => {
  it('reads concatenated gzip members as one stream', () => {
    const stream = Buffer.concat([gzipSync(Buffer.from('hello ')), gzipSync(Buffer.from('world'))]);
    expect(decompress(CompressionType.GZIP, stream).toString()).toBe('hello world');
  });
});

describe('snappy in snappy-java (xerial) framing', () => {
  const FOOBAR_FRAMED = '82534e41505059000000000100000001 00000009 0718666f6f6261720a';

  it('writes the spec example byte for byte ("foobar\\n")', () => {
    expect(compress(CompressionType.SNAPPY, Buffer.from('foobar\n')).toString('hex')).toBe(hex(FOOBAR_FRAMED).toString('hex'));
  });

  it('reads the spec example', () => {
    expect(decompress(CompressionType.SNAPPY, hex(FOOBAR_FRAMED)).toString()).toBe('foobar\n');
  });

  it('reads raw unframed snappy too', () => {
    expect(decompress(CompressionType.SNAPPY, hex('0718666f6f6261720a')).toString()).toBe('foobar\n');
  });

  it('splits input into 32 KiB blocks, each with a length prefix', () => {
    const data = sample(SNAPPY_BLOCK_SIZE * 2 + 100);
    const framed = compress(CompressionType.SNAPPY, data);
    let position = XERIAL_HEADER_SIZE;
    let blocks = 0;
    while (position < framed.length) {
      position += 4 + framed.readInt32BE(position);
      blocks++;
    }
    expect(position).toBe(framed.length);
    expect(blocks).toBe(3);
    expect(decompress(CompressionType.SNAPPY, framed).equals(data)).toBe(true);
  });

  it('reads concatenated snappy-java streams, headers and all', () => {
    const stream = Buffer.concat([compress(CompressionType.SNAPPY, Buffer.from('foo')), compress(CompressionType.SNAPPY, Buffer.from('bar'))]);
    expect(decompress(CompressionType.SNAPPY, stream).toString()).toBe('foobar');
  });

  it('reads blocks a foreign writer sized differently', () => {
    const header = hex('82534e41505059000000000100000001');
    const block = (text: string): Buffer => {
      const compressed = rawSnappy(Buffer.from(text));
      const length = Buffer.alloc(4);
      length.writeInt32BE(compressed.length);
      return Buffer.concat([length, compressed]);
    };
    expect(decompress(CompressionType.SNAPPY, Buffer.concat([header, block('a'), block('bc'), block('')])).toString()).toBe('abc');
  });

  it('rejects a block longer than the stream', () => {
    const truncated = hex(FOOBAR_FRAMED).subarray(0, 24);
    expect(() => decompress(CompressionType.SNAPPY, truncated)).toThrow(expect.objectContaining({ code: ErrorCode.CORRUPT_MESSAGE }));
  });
});

describe('lz4 frame', () => {
  it('writes the frame header Kafka writes: magic, FLG 0x60, BD 0x40 (64 KiB blocks), header checksum', () => {
    const frame = compress(CompressionType.LZ4, Buffer.from('hello hello hello hello hello'));
    expect(frame.subarray(0, 7).toString('hex')).toBe('04224d18604082');
    expect(frame.subarray(-4).toString('hex')).toBe('00000000');
  });

  it('reads a hand-made frame whose block is stored uncompressed (high bit of the block size)', () => {
    const frame = hex('04224d18 60 40 82 05000080 68656c6c6f 00000000');
    expect(decompress(CompressionType.LZ4, frame).toString()).toBe('hello');
  });

  it('round-trips data spanning several 64 KiB blocks', () => {
    const data = sample(64 * 1024 * 3 + 5);
    expect(decompress(CompressionType.LZ4, compress(CompressionType.LZ4, data)).equals(data)).toBe(true);
  });
});
