import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kafkaJsCrc32c } from './__tests__/kafkajs-oracle.js';
import { crc32c } from './crc32c.js';

describe('crc32c', () => {
  it.each([
    ['the standard check value of "123456789"', Buffer.from('123456789'), 0xe3069283],
    ['Kafka Crc32CTest "Some String"', Buffer.from('Some String'), 608512271],
    ['empty input', Buffer.alloc(0), 0],
    ['32 zero bytes (RFC 3720)', Buffer.alloc(32, 0x00), 0x8a9136aa],
    ['32 0xFF bytes (RFC 3720)', Buffer.alloc(32, 0xff), 0x62a8ab43],
  ])('computes %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('is always unsigned', () => {
    expect(crc32c(Buffer.from('123456789'))).toBeGreaterThan(2 ** 31);
  });

  it('agrees with the pure-JS CRC-32C of KafkaJS on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const data = Buffer.from(bytes);
        expect(crc32c(data)).toBe(kafkaJsCrc32c(data));
      }),
    );
  });

  it('continues a checksum across pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.uint8Array({ maxLength: 512 }), (first, second) => {
        const whole = Buffer.concat([first, second]);
        expect(crc32c(Buffer.from(second), crc32c(Buffer.from(first)))).toBe(crc32c(whole));
      }),
    );
  });
});
