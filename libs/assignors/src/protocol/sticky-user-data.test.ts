import { describe, expect, it } from 'vitest';
import { tps } from '../__tests__/group-fixture.js';
import { ConsumerProtocolError } from './protocol-buffer.js';
import { decodeCooperativeStickyUserData, decodeStickyUserData, encodeCooperativeStickyUserData, encodeStickyUserData } from './sticky-user-data.js';

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// StickyAssignorUserData v1: [topic, [partitions]] then int32 generation; no version prefix.
const STICKY_V1 = ['00000002', '0001 61 00000002 00000000 00000002', '0001 62 00000001 00000001', '00000003'].join('').replace(/\s+/g, '');

describe('sticky assignor user data', () => {
  it('encodes the previous assignment grouped by topic, then the generation (v1)', () => {
    expect(toHex(encodeStickyUserData({ previousAssignment: tps('a-0', 'b-1', 'a-2'), generation: 3 }))).toBe(STICKY_V1);
  });

  it('decodes v1', () => {
    expect(decodeStickyUserData(Buffer.from(STICKY_V1, 'hex'))).toEqual({ previousAssignment: tps('a-0', 'a-2', 'b-1'), generation: 3 });
  });

  it('decodes v0 (no generation) with generation −1', () => {
    const v0 = Buffer.from(STICKY_V1.slice(0, -8), 'hex');
    expect(decodeStickyUserData(v0)).toEqual({ previousAssignment: tps('a-0', 'a-2', 'b-1'), generation: -1 });
  });

  it('rejects a truncated assignment', () => {
    expect(() => decodeStickyUserData(Buffer.from(STICKY_V1.slice(0, 20), 'hex'))).toThrow(ConsumerProtocolError);
  });
});

describe('cooperative-sticky assignor user data', () => {
  it('is the generation as a big-endian int32', () => {
    expect(toHex(encodeCooperativeStickyUserData(0x01020304))).toBe('01020304');
    expect(decodeCooperativeStickyUserData(Uint8Array.of(0xff, 0xff, 0xff, 0xfe))).toBe(-2);
  });

  it('rejects fewer than four bytes', () => {
    expect(() => decodeCooperativeStickyUserData(Uint8Array.of(1, 2))).toThrow(ConsumerProtocolError);
  });
});
