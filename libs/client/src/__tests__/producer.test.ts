/**
 * Producer against a real cluster (controller, 3 storage nodes, a transaction coordinator):
 * idempotent by default, murmur2 placement, contiguous offsets, bounded buffer memory, and clear
 * errors for bad use. Read-back checks live in client-acceptance.test.ts.
 */
import { hasErrorCode, silentLogger, type LogFn, type Logger } from '@samsa/common';
import { partitionForKey } from '@samsa/partitioners';
import { ErrorCode } from '@samsa/proto';
import { startCluster, type TestCluster } from '@samsa/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin } from '../admin/admin.js';
import { Producer } from '../producer/producer.js';
import { readAll } from './client-test-kit.js';

let cluster: TestCluster;
let admin: Admin;
let bootstrapServers: string[];
let topicCounter = 0;
const uniqueTopic = (prefix: string) => `${prefix}-${process.pid}-${++topicCounter}`;

beforeAll(async () => {
  cluster = await startCluster({ nodes: 3, transactionCoordinators: 1 });
  bootstrapServers = [...cluster.nodes.values()].map((node) => node.address);
  admin = new Admin({ bootstrapServers });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await cluster?.close();
});

describe('Producer', () => {
  it('is idempotent by default and places keyed records by murmur2, with contiguous offsets per partition', async () => {
    const topic = uniqueTopic('keyed');
    await admin.createTopics([{ topic, numPartitions: 4, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    const producer = new Producer<string, string>({ bootstrapServers, keySerializer: 'string', valueSerializer: 'string' });
    expect(producer.idempotent).toBe(true);
    const keys = Array.from({ length: 5000 }, (_, i) => `key-${(i * 7919) % 613}`);
    const results = await Promise.all(keys.map((key, i) => producer.send({ topic, key, value: `value-${i}` })));
    const offsets = new Map<number, number[]>();
    results.forEach((result, i) => {
      expect(result.partition).toBe(partitionForKey(Buffer.from(keys[i] as string), 4));
      offsets.set(result.partition, [...(offsets.get(result.partition) ?? []), result.offset]);
    });
    for (const list of offsets.values()) expect(list).toEqual(list.map((_, i) => i));
    await producer.close();
  }, 60_000);

  it('sendBatch resolves with every record\'s metadata in order, and rejects with the first failure once all settled', async () => {
    const topic = uniqueTopic('batched');
    await admin.createTopics([{ topic, numPartitions: 2, replicationFactor: 1 }]);
    const producer = new Producer<string, string>({ bootstrapServers, keySerializer: 'string', valueSerializer: 'string' });
    const sent = await producer.sendBatch(Array.from({ length: 300 }, (_, i) => ({ topic, partition: i % 2, value: `v${i}` })));
    expect(sent.map((metadata) => `${metadata.partition}:${metadata.offset}`)).toEqual(Array.from({ length: 300 }, (_, i) => `${i % 2}:${Math.floor(i / 2)}`));
    const failed = await producer.sendBatch([{ topic, partition: 0, value: 'ok' }, { topic, partition: 7, value: 'no such partition' }]).catch((error: unknown) => error);
    expect(hasErrorCode(failed, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    expect((failed as Error).message).toMatch(/7 is not in the range \[0...2\)/);
    const [after] = await producer.sendBatch([{ topic, partition: 0, value: 'next' }]);
    expect(after?.offset).toBe(151); // 'ok' (150) was written: a batch of sends is not atomic
    await producer.close();
  }, 30_000);

  it('sends fired faster than bufferMemory allows wait their turn, flush() covers them, and all are written once, in send order', async () => {
    const topic = uniqueTopic('blocked');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }]);
    // 64 KiB of buffer memory for 4 MB of records: all but the first ~60 sends wait for memory.
    const producer = new Producer<string, Buffer>({ bootstrapServers, keySerializer: 'string', bufferMemory: 64 * 1024, batchSize: 16 * 1024, maxBlockMs: 30_000 });
    const value = Buffer.alloc(1000, 7);
    const sends = Array.from({ length: 4000 }, (_, i) => producer.send({ topic, key: `k${i}`, value }));
    await producer.flush();
    // Every send had settled when flush() resolved: nothing is left waiting for the network.
    const settled = await Promise.race([Promise.all(sends), new Promise<'still waiting'>((resolve) => setImmediate(resolve, 'still waiting'))]);
    expect(settled).not.toBe('still waiting');
    const offsets = (settled as Array<{ offset: number }>).map((metadata) => metadata.offset);
    expect(offsets).toEqual(offsets.map((_, i) => i));
    // close() sends what still waits for buffer memory instead of failing it.
    const more = Array.from({ length: 200 }, (_, i) => producer.send({ topic, key: `m${i}`, value }));
    await producer.close();
    expect((await Promise.all(more)).map((metadata) => metadata.offset)).toEqual(more.map((_, i) => 4000 + i));
    // Each waiting record kept its own key (the producer reuses one scratch object on its fast path).
    const keys = (await readAll(bootstrapServers, topic, 1, 4200)).map((record) => record.key);
    expect(keys).toEqual([...sends.map((_, i) => `k${i}`), ...more.map((_, i) => `m${i}`)]);
  }, 60_000);

  it('a sendBatch() call waiting for bufferMemory is covered by flush() and drained by close(), in order', async () => {
    const topic = uniqueTopic('blocked-batch');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const producer = new Producer<string, Buffer>({ bootstrapServers, keySerializer: 'string', acks: 1, bufferMemory: 64 * 1024, batchSize: 16 * 1024, maxBlockMs: 30_000 });
    const value = Buffer.alloc(1000, 9);
    await producer.send({ topic, key: 'w', value }); // metadata known: the call below runs until memory runs out
    const first = producer.sendBatch(Array.from({ length: 2000 }, (_, i) => ({ topic, key: `b${i}`, value })));
    // A send() while the call waits for memory joins the queue behind the record that waits.
    const interloper = producer.send({ topic, key: 'x', value });
    await producer.flush();
    const settled = await Promise.race([Promise.all([first, interloper]), new Promise<'still waiting'>((resolve) => setImmediate(resolve, 'still waiting'))]);
    expect(settled).not.toBe('still waiting');
    const [batchMetadata, interloperMetadata] = settled as [Array<{ offset: number }>, { offset: number }];
    const offsets = batchMetadata.map((metadata) => metadata.offset);
    expect(offsets.concat(interloperMetadata.offset).sort((a, b) => a - b)).toEqual(Array.from({ length: 2001 }, (_, i) => 1 + i));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    const second = producer.sendBatch(Array.from({ length: 500 }, (_, i) => ({ topic, key: `s${i}`, value })));
    await producer.close();
    expect((await second).map((metadata) => metadata.offset)).toEqual(Array.from({ length: 500 }, (_, i) => 2002 + i));
    // Every record kept its own key: the call's waiting record and the send() did not share the producer's scratch object.
    const keys = (await readAll(bootstrapServers, topic, 1, 2502)).map((record) => record.key);
    const expected = ['w', ...Array.from({ length: 2000 }, (_, i) => `b${i}`), ...Array.from({ length: 500 }, (_, i) => `s${i}`)];
    expected.splice(interloperMetadata.offset, 0, 'x');
    expect(keys).toEqual(expected);
  }, 60_000);

  it('send(record, callback) calls back once per record, never synchronously, after the interceptors; a callback that throws harms no other', async () => {
    const topic = uniqueTopic('callback');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const events: string[] = [];
    const warnings: string[] = [];
    const warn = (fields: object | string, message?: string) => void warnings.push(`${message}: ${(fields as { err: Error }).err.message}`);
    const logger: Logger = { ...silentLogger, warn: warn as LogFn, child: () => logger };
    const producer = new Producer<string, string>({ bootstrapServers, valueSerializer: 'string', acks: 1, logger, interceptors: [{ onAcknowledgement: (metadata) => metadata && events.push(`ack ${metadata.offset}`) }] });
    const results: Array<{ error: Error | undefined; offset: number | undefined }> = [];
    const returned: unknown[] = [];
    const count = 1000;
    // The first record makes the topic known, so the others take the fast path (no promise at all).
    results.push({ error: undefined, offset: (await producer.send({ topic, value: 'v0' })).offset });
    const all = new Promise<void>((resolve) => {
      for (let i = 1; i < count; i++) {
        const result = producer.send({ topic, value: `v${i}` }, (error, metadata) => {
          results.push({ error, offset: metadata?.offset });
          events.push(`callback ${metadata?.offset}`);
          if (results.length === count) resolve();
          if (i === 500) throw new Error('a bug in the application');
        });
        returned.push(result);
      }
    });
    expect(results).toHaveLength(1);
    expect(returned.every((result) => result === undefined)).toBe(true);
    await all;
    expect(results).toEqual(Array.from({ length: count }, (_, i) => ({ error: undefined, offset: i })));
    expect(events.slice(0, 5)).toEqual(['ack 0', 'ack 1', 'callback 1', 'ack 2', 'callback 2']);
    expect(warnings).toEqual(['a send() callback threw; ignored: a bug in the application']);
    // Failures go to the callback too: a partition that does not exist, a send after close().
    const failed = (record: { topic: string; partition?: number; value: string }) => new Promise<Error | undefined>((resolve) => producer.send(record, (error) => resolve(error)));
    const unknown = await failed({ topic, partition: 5, value: 'x' });
    expect(hasErrorCode(unknown, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    await producer.close();
    expect((await failed({ topic, value: 'x' }))?.message).toMatch(/producer is closed/);
    expect((await readAll(bootstrapServers, topic, 1, count)).map((record) => record.value)).toEqual(Array.from({ length: count }, (_, i) => `v${i}`));
  }, 30_000);

  it('runs interceptors before the serializer and reports every acknowledgement', async () => {
    const topic = uniqueTopic('intercepted');
    await admin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
    const seen: string[] = [];
    const acknowledged: number[] = [];
    const producer = new Producer<string, string>({
      bootstrapServers,
      valueSerializer: { serialize: (value) => (seen.push(value), Buffer.from(value)) },
      interceptors: [{ onSend: (record) => ({ ...record, value: record.value.toUpperCase() }), onAcknowledgement: (metadata) => metadata && acknowledged.push(metadata.offset) }],
    });
    const sent = await producer.send({ topic, value: 'hello' });
    expect(seen).toEqual(['HELLO']);
    expect(acknowledged).toEqual([sent.offset]);
    await producer.close();
  }, 30_000);

  it('rejects bad use with clear errors: unknown topic, invalid options, send after close', async () => {
    const producer = new Producer({ bootstrapServers, maxBlockMs: 1500 });
    const unknown = await producer.send({ topic: uniqueTopic('missing'), value: Buffer.from('x') }).catch((error: unknown) => error);
    expect(hasErrorCode(unknown, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    expect((unknown as Error).message).toMatch(/not present in metadata after 1500 ms/);
    expect(() => new Producer({ bootstrapServers, lingerMs: -1 })).toThrow(/lingerMs must be a whole number in \[0/);
    expect(() => new Producer({ bootstrapServers, compressionType: 'brotli' as never })).toThrow(/compressionType must be one of/);
    await producer.close();
    const afterClose = await producer.send({ topic: 'any', value: Buffer.from('x') }).catch((error: unknown) => error);
    expect((afterClose as Error).message).toMatch(/producer is closed/);
  }, 30_000);
});

describe('Producer against a stopped cluster', () => {
  it('fails send() after maxBlockMs once bufferMemory is full, and close() leaves no handles behind', async () => {
    const own = await startCluster({ nodes: 1 });
    try {
      const ownAdmin = new Admin({ bootstrapServers: [own.node(1).address] });
      const topic = uniqueTopic('stopped');
      await ownAdmin.createTopics([{ topic, numPartitions: 1, replicationFactor: 1 }]);
      await ownAdmin.close();
      const handlesBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      const producer = new Producer({ bootstrapServers: [own.node(1).address], acks: 1, bufferMemory: 64 * 1024, maxBlockMs: 400, lingerMs: 0 });
      await producer.send({ topic, value: Buffer.alloc(100) });
      await own.kill(1);
      await own.kill('controller');
      const value = Buffer.alloc(1000);
      const pending: Array<Promise<unknown>> = [];
      let failure: unknown;
      for (let i = 0; i < 200 && failure === undefined; i++) {
        const sent = producer.send({ topic, value });
        pending.push(sent.catch(() => undefined));
        failure = await Promise.race([sent.then(() => undefined, (error: unknown) => error), new Promise((resolve) => setImmediate(resolve, undefined))]);
      }
      const blocked = failure ?? (await producer.send({ topic, value }).catch((error: unknown) => error));
      expect(hasErrorCode(blocked, ErrorCode.REQUEST_TIMED_OUT)).toBe(true);
      expect((blocked as Error).message).toMatch(/buffer memory within maxBlockMs \(waited \d+ ms\)/);
      await producer.close({ timeoutMs: 200 });
      await Promise.all(pending);
      const handlesAfter = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
      expect(handlesAfter).toBeLessThanOrEqual(handlesBefore);
    } finally {
      await own.close();
    }
  }, 60_000);
});
