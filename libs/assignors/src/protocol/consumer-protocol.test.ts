import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tps } from '../__tests__/group-fixture.js';
import {
  CONSUMER_PROTOCOL_LATEST_VERSION,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumer-protocol.js';
import { ConsumerProtocolError } from './protocol-buffer.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Golden bytes produced by KafkaJS 2.2.4 AssignerProtocol.MemberMetadata / MemberAssignment.encode.
const KAFKAJS_SUBSCRIPTION_V0 = '0000 00000002 0006 746f70696331 0006 746f70696332 00000002 6162';
const KAFKAJS_ASSIGNMENT_V0 = '0000 00000002 0006 746f70696331 00000002 00000000 00000002 0006 746f70696332 00000001 00000001 00000000';
const KAFKAJS_ASSIGNMENT_V1 = '0001 00000001 0002 c3bc 00000001 00000007 00000003 010203';

// Hand-assembled from the layout in consumer-protocol.ts.
const SUBSCRIPTION_V3 = [
  '0003', // version
  '00000001 0001 74', // topics ["t"]
  'ffffffff', // userData null
  '00000001 0001 74 00000002 00000000 00000003', // ownedPartitions t: [0, 3]
  '00000005', // generationId
  '0002 7231', // rackId "r1"
].join(' ');

describe('ConsumerProtocolSubscription', () => {
  it('encodes v0 exactly as KafkaJS does', () => {
    const bytes = encodeSubscription({ topics: ['topic1', 'topic2'], userData: new TextEncoder().encode('ab') }, 0);
    expect(toHex(bytes)).toBe(KAFKAJS_SUBSCRIPTION_V0.replace(/\s+/g, ''));
  });

  it('decodes the KafkaJS v0 bytes with defaults for the later fields', () => {
    expect(decodeSubscription(hex(KAFKAJS_SUBSCRIPTION_V0))).toEqual({
      version: 0,
      topics: ['topic1', 'topic2'],
      userData: Uint8Array.of(0x61, 0x62),
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
  });

  it('encodes v3 with owned partitions, generation and rack to the documented layout', () => {
    const bytes = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: tps('t-0', 't-3'), generationId: 5, rackId: 'r1' });
    expect(toHex(bytes)).toBe(SUBSCRIPTION_V3.replace(/\s+/g, ''));
    expect(decodeSubscription(bytes)).toEqual({
      version: 3,
      topics: ['t'],
      userData: null,
      ownedPartitions: tps('t-0', 't-3'),
      generationId: 5,
      rackId: 'r1',
    });
  });

  it('writes only the fields a version has', () => {
    const subscription = { topics: ['t'], ownedPartitions: tps('t-1'), generationId: 9, rackId: 'r' };
    expect(decodeSubscription(encodeSubscription(subscription, 1))).toMatchObject({ ownedPartitions: tps('t-1'), generationId: -1, rackId: null });
    expect(decodeSubscription(encodeSubscription(subscription, 2))).toMatchObject({ generationId: 9, rackId: null });
  });

  it('groups owned partitions by topic in order of first appearance', () => {
    const bytes = encodeSubscription({ topics: ['a', 'b'], ownedPartitions: tps('b-1', 'a-0', 'b-0') }, 1);
    expect(decodeSubscription(bytes).ownedPartitions).toEqual(tps('b-1', 'b-0', 'a-0'));
  });

  it('reads a newer version as v3 and ignores the fields it does not know', () => {
    const bytes = encodeSubscription({ topics: ['t'], generationId: 2, rackId: 'r' });
    const v4 = new Uint8Array([...bytes, 0xde, 0xad]);
    v4[1] = 4;
    expect(decodeSubscription(v4)).toMatchObject({ version: 4, topics: ['t'], generationId: 2, rackId: 'r' });
  });

  it('maps an empty rack id to null, as Kafka does', () => {
    expect(decodeSubscription(encodeSubscription({ topics: [], rackId: '' })).rackId).toBeNull();
  });

  it('rejects truncated bytes, negative versions and negative lengths', () => {
    const bytes = hex(SUBSCRIPTION_V3);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeSubscription(bytes.subarray(0, length)), `length ${length}`).toThrow(ConsumerProtocolError);
    }
    expect(() => decodeSubscription(hex('ffff 00000000 ffffffff'))).toThrow(/unsupported consumer protocol version/);
    expect(() => decodeSubscription(hex('0000 fffffffe'))).toThrow(/invalid array length/);
    expect(() => decodeSubscription(hex('0000 00000001 fffe'))).toThrow(/invalid string length/);
  });

  it('refuses to encode an unknown version', () => {
    expect(() => encodeSubscription({ topics: [] }, 4)).toThrow(RangeError);
  });

  it('round-trips any subscription in every version', () => {
    const topicName = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CONSUMER_PROTOCOL_LATEST_VERSION }),
        fc.array(topicName, { maxLength: 5 }),
        fc.option(fc.uint8Array({ maxLength: 16 })),
        fc.array(fc.record({ topic: topicName, partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }) }), { maxLength: 8 }),
        fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        fc.option(fc.string({ minLength: 1, maxLength: 8 })),
        (version, topics, userData, owned, generationId, rackId) => {
          // Group by topic first so the round trip preserves order.
          const grouped = [...new Set(owned.map((p) => p.topic))].flatMap((topic) => owned.filter((p) => p.topic === topic));
          const decoded = decodeSubscription(encodeSubscription({ topics, userData, ownedPartitions: grouped, generationId, rackId }, version));
          expect(decoded.topics).toEqual(topics);
          expect(decoded.userData).toEqual(userData);
          expect(decoded.ownedPartitions).toEqual(version >= 1 ? grouped : []);
          expect(decoded.generationId).toBe(version >= 2 ? generationId : -1);
          expect(decoded.rackId).toBe(version >= 3 ? rackId : null);
        },
      ),
    );
  });
});

describe('ConsumerProtocolAssignment', () => {
  it('encodes v0 exactly as KafkaJS does (empty user data is length 0, not null)', () => {
    const bytes = encodeAssignment({ partitions: tps('topic1-0', 'topic1-2', 'topic2-1'), userData: new Uint8Array(0) }, 0);
    expect(toHex(bytes)).toBe(KAFKAJS_ASSIGNMENT_V0.replace(/\s+/g, ''));
  });

  it('decodes KafkaJS v1 bytes with a UTF-8 topic name and user data', () => {
    expect(decodeAssignment(hex(KAFKAJS_ASSIGNMENT_V1))).toEqual({ version: 1, partitions: tps('ü-7'), userData: Uint8Array.of(1, 2, 3) });
  });

  it('encodes null user data as length −1', () => {
    expect(toHex(encodeAssignment({ partitions: [], userData: null }))).toBe('000300000000ffffffff');
  });

  it('rejects truncated bytes', () => {
    const bytes = hex(KAFKAJS_ASSIGNMENT_V0);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => decodeAssignment(bytes.subarray(0, length))).toThrow(ConsumerProtocolError);
    }
  });

  it('round-trips any assignment grouped by topic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: CONSUMER_PROTOCOL_LATEST_VERSION }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), { maxKeys: 5 }),
        fc.option(fc.uint8Array({ maxLength: 8 })),
        (version, byTopic, userData) => {
          const partitions = Object.entries(byTopic).flatMap(([topic, numbers]) => numbers.map((partition) => ({ topic, partition })));
          expect(decodeAssignment(encodeAssignment({ partitions, userData }, version))).toEqual({ version, partitions, userData });
        },
      ),
    );
  });
});
