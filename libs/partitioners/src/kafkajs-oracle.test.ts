// Cross-check against an independent implementation: KafkaJS 2.2.4's Java-compatible partitioner
// (exported as Partitioners.JavaCompatiblePartitioner) and the murmur2 it uses.
import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from './murmur2.js';
import { seededRandom } from './random.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

const KEY_COUNT = 10_000;
const MAX_PARTITIONS = 64;

function randomKeys(seed: number): Buffer[] {
  const random = seededRandom(seed);
  const keys: Buffer[] = [];
  for (let i = 0; i < KEY_COUNT; i++) {
    const length = (random() >>> 0) % 65; // 0..64 bytes, every tail length
    const key = Buffer.alloc(length);
    for (let j = 0; j < length; j++) key[j] = random() & 0xff;
    keys.push(key);
  }
  return keys;
}

function partitionMetadata(numPartitions: number): PartitionMetadata[] {
  return Array.from({ length: numPartitions }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));
}

describe('agreement with KafkaJS (oracle)', () => {
  const keys = randomKeys(0x5a45a);

  it('computes the same murmur2 as KafkaJS for 10,000 random keys', () => {
    for (const key of keys) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });

  it('puts 10,000 random keys on the same partition as KafkaJS JavaCompatiblePartitioner for N = 1…64', () => {
    const partitioner = Partitioners.JavaCompatiblePartitioner();
    let compared = 0;
    for (let numPartitions = 1; numPartitions <= MAX_PARTITIONS; numPartitions++) {
      const metadata = partitionMetadata(numPartitions);
      for (const key of keys) {
        const expected = partitioner({ topic: 'orders', partitionMetadata: metadata, message: { key, value: null } });
        const actual = partitionForKey(key, numPartitions);
        if (actual !== expected) {
          expect.fail(`key ${key.toString('hex')} with ${numPartitions} partitions: ours ${actual}, kafkajs ${expected}`);
        }
        compared++;
      }
    }
    expect(compared).toBe(KEY_COUNT * MAX_PARTITIONS);
  });
});
