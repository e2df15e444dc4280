import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { describe, expect, it } from 'vitest';
import { LZ4_BLOCK_SIZE, compressLz4Frame, decompressLz4Frame } from './lz4-framing.js';
import { xxhash32 } from './xxhash32.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const MAGIC = '04224d18';
/** FLG/BD (and optional descriptor fields) followed by their header checksum byte. */
function descriptor(bytes: Buffer): Buffer {
  return Buffer.concat([bytes, Buffer.from([(xxhash32(bytes) >>> 8) & 0xff])]);
}
const storedBlock = (text: string): Buffer => {
  const size = Buffer.alloc(4);
  size.writeUInt32LE((Buffer.byteLength(text) | 0x8000_0000) >>> 0);
  return Buffer.concat([size, Buffer.from(text)]);
};

const data = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 5000 })).map(([text, times]) => Buffer.from(text.repeat(times))),
);

describe('LZ4 frames we write', () => {
  it('decode with lz4-napi’s own frame decoder (an independent reader)', () => {
    fc.assert(fc.property(data, (input) => {
        expect(decompressFrameSync(compressLz4Frame(input)).equals(input)).toBe(true);
      }), { numRuns: 100 });
  });

  it('have the header lz4-napi itself writes for FLG 0x60 BD 0x40', () => {
    expect(compressFrameSync(Buffer.from('x')).subarray(0, 7).equals(compressLz4Frame(Buffer.from('x')).subarray(0, 7))).toBe(true);
    expect(descriptor(hex('6040')).toString('hex')).toBe('604082');
  });

  it('store incompressible blocks uncompressed, 64 KiB at most per block', () => {
    const input = randomBytes(LZ4_BLOCK_SIZE + 10);
    const frame = compressLz4Frame(input);
    expect(frame.readUInt32LE(7)).toBe((LZ4_BLOCK_SIZE | 0x8000_0000) >>> 0);
    expect(frame.readUInt32LE(7 + 4 + LZ4_BLOCK_SIZE)).toBe((10 | 0x8000_0000) >>> 0);
    expect(decompressFrameSync(frame).equals(input)).toBe(true);
    expect(decompressLz4Frame(frame).equals(input)).toBe(true);
  });

  it('encode empty input as a header and an end mark', () => {
    expect(compressLz4Frame(Buffer.alloc(0)).toString('hex')).toBe(`${MAGIC}60408200000000`);
    expect(decompressLz4Frame(compressLz4Frame(Buffer.alloc(0))).length).toBe(0);
  });
});

describe('LZ4 frames we read', () => {
  it.each([
    { blockChecksums: false, contentChecksum: false },
    { blockChecksums: true, contentChecksum: false },
    { blockChecksums: false, contentChecksum: true },
    { blockChecksums: true, contentChecksum: true },
  ])('include lz4-napi frames with %o', (options) => {
    fc.assert(fc.property(data, (input) => {
        expect(decompressLz4Frame(compressFrameSync(input, options)).equals(input)).toBe(true);
      }), { numRuns: 40 });
  });

  it('include a frame with a content size field', () => {
    const frame = Buffer.concat([hex(MAGIC), descriptor(hex('68 40 0500000000000000')), storedBlock('hello'), hex('00000000')]);
    expect(decompressLz4Frame(frame).toString()).toBe('hello');
  });

  it('include frames with linked blocks, through the full decoder', () => {
    const frame = Buffer.concat([hex(MAGIC), descriptor(hex('40 40')), storedBlock('hel'), storedBlock('lo'), hex('00000000')]);
    expect(decompressLz4Frame(frame).toString()).toBe('hello');
  });

  it('include concatenated frames and skippable frames', () => {
    const skippable = hex('5a2a4d18 03000000 aabbcc');
    const stream = Buffer.concat([compressLz4Frame(Buffer.from('foo')), skippable, compressLz4Frame(Buffer.from('bar'))]);
    expect(decompressLz4Frame(stream).toString()).toBe('foobar');
  });

  it.each([
    ['a wrong magic', () => hex('04224d19 604082 00000000')],
    ['a wrong header checksum', () => hex(`${MAGIC} 604083 00000000`)],
    ['version 00', () => Buffer.concat([hex(MAGIC), descriptor(hex('2040')), hex('00000000')])],
    ['a block size id below 4', () => Buffer.concat([hex(MAGIC), descriptor(hex('6030')), hex('00000000')])],
    ['a block larger than the frame allows', () => Buffer.concat([hex(MAGIC), descriptor(hex('6040')), hex('01000100'), Buffer.alloc(65537)])],
    ['a truncated block', () => compressLz4Frame(Buffer.from('hello world hello world')).subarray(0, 12)],
    ['a missing end mark', () => compressLz4Frame(Buffer.from('hello')).subarray(0, -4)],
    ['a wrong content checksum', () => {
      const frame = compressFrameSync(Buffer.from('hello hello'), { contentChecksum: true });
      frame.writeUInt32LE(frame.readUInt32LE(frame.length - 4) ^ 1, frame.length - 4);
      return frame;
    }],
  ])('reject %s', (_name, frame) => {
    expect(() => decompressLz4Frame(frame())).toThrow();
  });
});
