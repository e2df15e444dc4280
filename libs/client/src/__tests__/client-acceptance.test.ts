/**
 * Issue #7 acceptance, Producer and Consumer together against real processes: a million keyed
 * records read back exactly; a leader killed mid-stream loses and duplicates nothing; every
 * compression codec round-trips through the storage node.
 */
import * as grpc from '@grpc/grpc-js';
import { partitionForKey } from '@samsa/partitioners';
import { storage } from '@samsa/proto';
import { COMPRESSION_CODECS, iterateBatches, type CompressionName, type CompressionType } from '@samsa/records';
import { startCluster, type TestCluster } from '@samsa/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../admin/admin.js';
import { Producer } from '../producer/producer.js';
import { call, readAll, TEST_NODE_ARGS, uniqueName } from './client-test-kit.js';

let cluster: TestCluster;
let admin: Admin;
let bootstrapServers: string[];

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, transactionCoordinators: 1, nodeArgs: () => TEST_NODE_ARGS });
  bootstrapServers = [...cluster.nodes.values()].map((node) => node.address);
  admin = new Admin({ bootstrapServers });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await cluster?.close();
});

const keyOf = (i: number) => `key-${(Math.imul(i, 2654435761) >>> 0) % 40_000}`;

describe('Producer and Consumer', () => {
  it('a million records with random keys land on murmur2 partitions and read back in order, identical', async () => {
    const topic = uniqueName('million');
    const partitions = 6;
    await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor: 1 }]);
    const total = 1_000_000;
    const partitionOf = new Int8Array(total);
    const offsetOf = new Float64Array(total);
    const producer = new Producer<string, string>({ bootstrapServers, keySerializer: 'string', valueSerializer: 'string', lingerMs: 10, batchSize: 65_536 });
    let window: Array<Promise<void>> = [];
    for (let i = 0; i < total; i++) {
      window.push(
        producer.send({ topic, key: keyOf(i), value: `value-${i}`, headers: [{ key: 'index', value: Buffer.from(String(i)) }] }).then((metadata) => {
          partitionOf[i] = metadata.partition;
          offsetOf[i] = metadata.offset;
        }),
      );
      if (window.length === 20_000) {
        await Promise.all(window);
        window = [];
      }
    }
    await Promise.all(window);
    await producer.close();

    const records = await readAll(bootstrapServers, topic, partitions, total);
    expect(records).toHaveLength(total);
    const seen = new Uint8Array(total);
    const lastOffset = new Map<number, number>();
    for (const record of records) {
      const i = Number(record.value.slice('value-'.length));
      expect(seen[i]).toBe(0);
      seen[i] = 1;
      expect(record.key).toBe(keyOf(i));
      expect(record.headers).toEqual([{ key: 'index', value: Buffer.from(String(i)) }]);
      expect(record.partition).toBe(partitionOf[i]);
      expect(record.partition).toBe(partitionForKey(Buffer.from(keyOf(i)), partitions));
      expect(record.offset).toBe(offsetOf[i]);
      expect(record.offset).toBe((lastOffset.get(record.partition) ?? -1) + 1);
      lastOffset.set(record.partition, record.offset);
    }
  }, 240_000);

  it('a leader killed mid-stream: the producer re-routes, nothing acknowledged is lost or duplicated, per-key order holds', async () => {
    const topic = uniqueName('failover');
    await admin.createTopics([{ topic, numPartitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    const [described] = await admin.describeTopics([topic]);
    const victim = described?.partitions[0]?.leaderId as number;
    const producer = new Producer<string, string>({ bootstrapServers, keySerializer: 'string', valueSerializer: 'string', lingerMs: 2 });
    const total = 40_000;
    const acked: Array<{ partition: number; offset: number }> = [];
    const sends: Array<Promise<void>> = [];
    let killed: Promise<unknown> | undefined;
    for (let i = 0; i < total; i++) {
      sends.push(producer.send({ topic, key: `k${i % 97}`, value: String(i) }).then(({ partition, offset }) => void (acked[i] = { partition, offset })));
      if (i === total / 4) killed = cluster.kill(victim);
      if (i % 500 === 499) await Promise.race([Promise.all(sends.slice(-500)), new Promise((resolve) => setTimeout(resolve, 50))]);
    }
    await killed;
    await Promise.all(sends);
    await producer.close();
    expect(acked.filter(Boolean)).toHaveLength(total);

    const records = await readAll(bootstrapServers, topic, 3, total);
    expect(records).toHaveLength(total);
    const lastIndexOfKey = new Map<string, number>();
    const seen = new Set<number>();
    for (const record of records) {
      const i = Number(record.value);
      expect(seen.has(i)).toBe(false);
      seen.add(i);
      expect({ partition: record.partition, offset: record.offset }).toEqual(acked[i]);
      expect(i).toBeGreaterThan(lastIndexOfKey.get(record.key) ?? -1);
      lastIndexOfKey.set(record.key, i);
    }
    await cluster.restart(victim);
  }, 180_000);

  it.each(Object.entries(COMPRESSION_CODECS) as Array<[CompressionName, CompressionType]>)('%s-compressed batches round-trip through the storage node', async (codec, type) => {
    const topic = uniqueName(`codec-${codec}`);
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const producer = new Producer<string, string>({ bootstrapServers, keySerializer: 'string', valueSerializer: 'string', compressionType: codec });
    const values = Array.from({ length: 2000 }, (_, i) => `${codec} value ${i} `.repeat(1 + (i % 5)));
    await Promise.all(values.map((value, i) => producer.send({ topic, key: `k${i}`, value, headers: { codec } })));
    await producer.close();

    const records = await readAll(bootstrapServers, topic, 1, values.length);
    expect(records.map((record) => record.value)).toEqual(values);
    expect(records.every((record, i) => record.key === `k${i}` && record.headers[0]?.value?.toString() === codec)).toBe(true);

    const [leader] = (await admin.describeTopics([topic]))[0]?.partitions ?? [];
    const node = new storage.StorageServiceClient(cluster.node(leader?.leaderId as number).address, grpc.credentials.createInsecure());
    const fetched = await call(node, 'fetch', storage.FetchRequest.fromPartial({ replicaId: -1, maxBytes: 1 << 20, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }] }));
    node.close();
    const batches = [...iterateBatches(fetched.topics[0]?.partitions[0]?.records as Buffer)];
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((batch) => batch.compression === type)).toBe(true);
  }, 60_000);
});
