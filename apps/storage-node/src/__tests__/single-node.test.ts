/**
 * One storage node + controller (child processes): produce and fetch round trip, the long poll,
 * FetchStream, idempotent retries, and bad input answered per partition with nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, storage } from '@samsa/proto';
import { startCluster, type TestCluster } from '@samsa/testing';
import { buildRecordBatch } from '@samsa/records';
import { awaitLeader, call, Clients, createTopic, fetchOnce, produce, records, valuesOf } from './storage-test-kit.js';

let cluster: TestCluster;
const clients = new Clients();

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1 });
});

afterAll(async () => {
  clients.close();
  await cluster?.close();
});

describe('a single storage node', () => {
  it('appends produced batches and serves them back in order with their offsets', async () => {
    await createTopic(clients.controller(cluster), 'round-trip', 1, 1);
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'round-trip', 0);
    const first = await produce(node, 'round-trip', 0, records(3, 'a'));
    const second = await produce(node, 'round-trip', 0, records(2, 'b'), 1);
    expect([first.errorCode, first.baseOffset, second.errorCode, second.baseOffset]).toEqual([ErrorCode.NONE, 0, ErrorCode.NONE, 3]);
    const fetched = await fetchOnce(node, 'round-trip', 0, 0);
    expect(fetched.highWatermark).toBe(5);
    expect(valuesOf(fetched.records).map((r) => `${r.offset}:${r.value}`)).toEqual(['0:a-0', '1:a-1', '2:a-2', '3:b-0', '4:b-1']);
  });

  it('answers a long-poll fetch as soon as a record arrives', async () => {
    await createTopic(clients.controller(cluster), 'long-poll', 1, 1);
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'long-poll', 0);
    const started = performance.now();
    const waiting = fetchOnce(node, 'long-poll', 0, 0, 10_000);
    const produced = produce(node, 'long-poll', 0, records(1, 'wake'));
    const [fetched] = await Promise.all([waiting, produced]);
    expect(valuesOf(fetched.records).map((r) => r.value)).toEqual(['wake-0']);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('pushes new batches on a FetchStream without a new request', async () => {
    await createTopic(clients.controller(cluster), 'streamed', 1, 1);
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'streamed', 0);
    const stream = node.fetchStream(storage.FetchStreamRequest.fromPartial({ replicaId: -1, maxWaitMs: 30_000, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic: 'streamed', partitions: [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }] }));
    const seen: string[] = [];
    const both = new Promise<void>((resolve) => {
      stream.on('data', (response: storage.FetchStreamResponse) => {
        for (const topic of response.topics) for (const data of topic.partitions) seen.push(...valuesOf(data.records).map((r) => r.value));
        if (seen.length >= 2) resolve();
      });
    });
    stream.on('error', () => undefined);
    await produce(node, 'streamed', 0, records(1, 'one'));
    await produce(node, 'streamed', 0, records(1, 'two'));
    await both;
    stream.cancel();
    expect(seen).toEqual(['one-0', 'two-0']);
  });

  it('stores a retried idempotent batch once and answers both sends with the same offset', async () => {
    await createTopic(clients.controller(cluster), 'idempotent', 1, 1);
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'idempotent', 0);
    const batch = records(2, 'once', { id: 7, epoch: 0, sequence: 0 });
    const first = await produce(node, 'idempotent', 0, Buffer.from(batch));
    const retry = await produce(node, 'idempotent', 0, Buffer.from(batch));
    expect(retry.baseOffset).toBe(first.baseOffset);
    expect(valuesOf((await fetchOnce(node, 'idempotent', 0, 0)).records)).toHaveLength(2);
  });

  it('lists the earliest, latest, by-timestamp and max-timestamp offsets', async () => {
    await createTopic(clients.controller(cluster), 'listed', 1, 1);
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'listed', 0);
    const stamped = (value: string, timestamp: number) => buildRecordBatch([{ value, timestamp }]);
    for (const [value, timestamp] of [['a', 1000], ['b', 5000], ['c', 3000]] as const) await produce(node, 'listed', 0, stamped(value, timestamp));
    const list = async (timestampMs: number) =>
      (await call(node, 'listOffsets', storage.ListOffsetsRequest.fromPartial({ topics: [{ topic: 'listed', partitions: [{ partition: 0, currentLeaderEpoch: -1, timestampMs }] }] }))).topics[0]?.partitions[0];
    expect((await list(-2))?.offset).toBe(0);
    expect((await list(-1))?.offset).toBe(3);
    expect(await list(2000)).toMatchObject({ offset: 1, timestampMs: 5000 });
    expect(await list(-3)).toMatchObject({ offset: 1, timestampMs: 5000 });
    expect((await list(9000))?.offset).toBe(-1);
  });

  it('rejects bad input per partition with the Kafka code and changes nothing', async () => {
    await createTopic(clients.controller(cluster), 'guarded', 1, 1, { 'max.message.bytes': '2000' });
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'guarded', 0);
    const corrupt = records(2);
    corrupt.writeUInt8(corrupt.readUInt8(corrupt.length - 1) ^ 0xff, corrupt.length - 1);
    expect((await produce(node, 'guarded', 0, corrupt)).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect((await produce(node, 'no-such-topic', 0, records(1))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const big = records(1, 'x'.repeat(3000));
    expect((await produce(node, 'guarded', 0, big)).errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
    expect((await fetchOnce(node, 'guarded', 0, 5)).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect((await fetchOnce(node, 'guarded', 0, 0)).highWatermark).toBe(0);
  });
});
