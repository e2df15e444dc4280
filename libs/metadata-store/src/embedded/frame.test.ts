import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, FRAME_HEADER_BYTES } from './frame.js';

describe('frame', () => {
  it('lays out length, CRC-32 and payload big-endian (golden bytes)', () => {
    expect(encodeFrame(Buffer.from('hello')).toString('hex')).toBe('00000005' + '3610a686' + '68656c6c6f');
  });

  it('round-trips any sequence of payloads', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (payloads) => {
        const data = Buffer.concat(payloads.map((payload) => encodeFrame(Buffer.from(payload))));
        const decoded = decodeFrames(data);
        expect(decoded.payloads.map((payload) => [...payload])).toEqual(payloads.map((payload) => [...payload]));
        expect(decoded).toMatchObject({ validBytes: data.length, tornBytes: 0 });
      }),
    );
  });

  it('returns exactly the whole frames before a cut anywhere in the data', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 32 }), { minLength: 1, maxLength: 10 }), fc.nat(), (payloads, cutSeed) => {
        const frames = payloads.map((payload) => encodeFrame(Buffer.from(payload)));
        const data = Buffer.concat(frames);
        const cut = cutSeed % (data.length + 1);
        let whole = 0;
        let end = 0;
        for (const frame of frames) {
          if (end + frame.length > cut) break;
          end += frame.length;
          whole++;
        }
        const decoded = decodeFrames(data.subarray(0, cut));
        expect(decoded.payloads).toHaveLength(whole);
        expect(decoded.validBytes).toBe(end);
        expect(decoded.tornBytes).toBe(cut - end);
      }),
    );
  });

  it('stops at a frame whose checksum does not match', () => {
    const good = encodeFrame(Buffer.from('good'));
    const bad = encodeFrame(Buffer.from('bad!'));
    bad.writeUInt8(bad.readUInt8(FRAME_HEADER_BYTES) ^ 1, FRAME_HEADER_BYTES);
    const decoded = decodeFrames(Buffer.concat([good, bad, encodeFrame(Buffer.from('after'))]));
    expect(decoded.payloads.map(String)).toEqual(['good']);
    expect(decoded.validBytes).toBe(good.length);
  });

  it('treats an absurd length as the end of the data', () => {
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    header.writeUInt32BE(0xffffffff, 0);
    expect(decodeFrames(header)).toMatchObject({ payloads: [], validBytes: 0, tornBytes: FRAME_HEADER_BYTES });
  });
});
