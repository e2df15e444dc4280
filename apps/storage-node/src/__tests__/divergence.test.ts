/**
 * Leader changes on 3 storage nodes + controller (issue #6 acceptance): a restarted ex-leader with
 * an unreplicated tail truncates exactly that tail — through OffsetsForLeaderEpoch, before its
 * first fetch, as its samsa_follower_truncations_total shows — and rejoins the ISR, also when the
 * new leader has not written yet (it recorded its epoch on becoming leader); an idempotent
 * retry after a leader change is stored once; malformed requests are refused whole and harm nothing.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { ErrorCode, storage } from '@samsa/proto';
import { httpGet, type TestCluster } from '@samsa/testing';
import { awaitLeader, awaitTopicState, call, createTopic, fetchOnce, leaderOf, produce, records, useActiveCluster, valuesOf } from './storage-test-kit.js';

const { clients, start } = useActiveCluster();

async function logBytes(c: TestCluster, nodeId: number, topic: string): Promise<Buffer> {
  const dir = join(c.node(nodeId).dataDir, `${topic}-0`);
  const names = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
  return Buffer.concat(await Promise.all(names.map((name) => readFile(join(dir, name)))));
}

/** samsa_follower_truncations_total by source, scraped from a node's admin port. */
async function truncations(c: TestCluster, nodeId: number): Promise<Record<string, number>> {
  const scraped = await httpGet(c.node(nodeId).adminPort, '/metrics');
  expect(scraped.status).toBe(200);
  const counts: Record<string, number> = {};
  for (const [, labels, value] of scraped.body.matchAll(/^samsa_follower_truncations_total\{([^}]*)\} (\d+)$/gm)) {
    const source = /source="([a-z_]+)"/.exec(labels ?? '')?.[1];
    if (source) counts[source] = Number(value);
  }
  return counts;
}

it('truncates exactly the divergent tail of a restarted ex-leader, which then rejoins the ISR', async () => {
  const c = await start();
  await createTopic(clients.controller(c), 'diverge', 1, 3, { 'min.insync.replicas': '1' });
  const oldLeader = await leaderOf(clients.controller(c), 'diverge');
  await awaitLeader(clients.node(c, oldLeader), 'diverge', 0);
  expect((await produce(clients.node(c, oldLeader), 'diverge', 0, records(10, 'a'))).baseOffset).toBe(0);

  const followers = [1, 2, 3].filter((id) => id !== oldLeader);
  for (const id of followers) await c.pause(id);
  // Let the paused followers' parked fetches be answered (empty) first, so no fetch is waiting for
  // the next append: the kernel would buffer that answer and deliver it on resume.
  await new Promise((resolve) => setTimeout(resolve, 800));
  const unreplicated = await produce(clients.node(c, oldLeader), 'diverge', 0, records(5, 'lost'), 1);
  expect([unreplicated.errorCode, unreplicated.baseOffset]).toEqual([ErrorCode.NONE, 10]);
  await c.kill(oldLeader);
  for (const id of followers) await c.resume(id);

  const newLeader = await leaderOf(clients.controller(c), 'diverge', [oldLeader]);
  await awaitLeader(clients.node(c, newLeader), 'diverge', 0);
  expect((await produce(clients.node(c, newLeader), 'diverge', 0, records(3, 'c'))).baseOffset).toBe(10);

  await c.restart(oldLeader);
  await awaitTopicState(clients.controller(c), 'diverge', (list) => list[0]?.isr.length === 3, 30_000);
  // The tail went through OffsetsForLeaderEpoch before the partition's first fetch: no fetch
  // ever found the log divergent.
  expect(await truncations(c, oldLeader)).toEqual({ offsets_for_leader_epoch: 1, diverging_epoch: 0, high_watermark: 0 });
  const read = valuesOf((await fetchOnce(clients.node(c, newLeader), 'diverge', 0, 0, 1000)).records);
  expect(read.map((r) => r.value)).toEqual([...Array.from({ length: 10 }, (_, i) => `a-${i}`), 'c-0', 'c-1', 'c-2']);

  await c.stopNode(oldLeader);
  await c.stopNode(newLeader);
  expect((await logBytes(c, oldLeader, 'diverge')).equals(await logBytes(c, newLeader, 'diverge'))).toBe(true);
}, 120_000);

it('truncates exactly the tail of a restarted ex-leader in an epoch the new leader never wrote in, before that leader writes', async () => {
  const c = await start();
  const controller = clients.controller(c);
  await createTopic(controller, 'unwritten', 1, 3, { 'min.insync.replicas': '1' });
  const first = await leaderOf(controller, 'unwritten');
  await awaitLeader(clients.node(c, first), 'unwritten', 0);
  expect((await produce(clients.node(c, first), 'unwritten', 0, records(10, 'a'))).baseOffset).toBe(0);

  // A second leader (a new epoch) writes a tail that its only live follower never receives.
  await c.kill(first);
  const exLeader = await leaderOf(controller, 'unwritten', [first]);
  const survivor = [1, 2, 3].find((id) => id !== first && id !== exLeader) as number;
  await awaitLeader(clients.node(c, exLeader), 'unwritten', 0);
  await c.pause(survivor);
  // As above: the paused follower's parked fetch must be answered (empty) before the append.
  await new Promise((resolve) => setTimeout(resolve, 800));
  const unreplicated = await produce(clients.node(c, exLeader), 'unwritten', 0, records(5, 'lost'), 1);
  expect([unreplicated.errorCode, unreplicated.baseOffset]).toEqual([ErrorCode.NONE, 10]);
  await c.kill(exLeader);
  await c.resume(survivor);

  // The survivor leads a third epoch and writes nothing: its last written epoch is the first one,
  // older than the ex-leader's latest. Only the epoch it recorded on becoming leader tells the
  // ex-leader where its own epoch diverges (without it: UNDEFINED, then the high watermark or a
  // divergingEpoch that empties the whole log).
  expect(await leaderOf(controller, 'unwritten', [first, exLeader])).toBe(survivor);
  await awaitLeader(clients.node(c, survivor), 'unwritten', 0);
  await c.restart(exLeader);
  await awaitTopicState(controller, 'unwritten', (list) => list[0]?.leaderId === survivor && (list[0]?.isr.includes(exLeader) ?? false), 30_000);
  expect(await truncations(c, exLeader)).toEqual({ offsets_for_leader_epoch: 1, diverging_epoch: 0, high_watermark: 0 });
  const cuts = c.node(exLeader).service.logs.filter((line) => line.msg === 'truncating a divergent log tail');
  expect(cuts).toHaveLength(1);
  // The leader's answer named an epoch both logs know (not UNDEFINED, whose fallback is the high watermark).
  expect(cuts[0]).toMatchObject({ from: 15, to: 10, source: 'offsets_for_leader_epoch', rule: 'common-epoch', answer: { endOffset: 10 } });

  expect((await produce(clients.node(c, survivor), 'unwritten', 0, records(3, 'c'))).baseOffset).toBe(10);
  const read = valuesOf((await fetchOnce(clients.node(c, survivor), 'unwritten', 0, 0, 1000)).records);
  expect(read.map((r) => r.value)).toEqual([...Array.from({ length: 10 }, (_, i) => `a-${i}`), 'c-0', 'c-1', 'c-2']);
  await c.stopNode(exLeader);
  await c.stopNode(survivor);
  expect((await logBytes(c, exLeader, 'unwritten')).equals(await logBytes(c, survivor, 'unwritten'))).toBe(true);
}, 120_000);

it('stores an idempotent retry once across a leader change', async () => {
  const c = await start();
  await createTopic(clients.controller(c), 'retry', 1, 3, { 'min.insync.replicas': '2' });
  const first = await leaderOf(clients.controller(c), 'retry');
  await awaitLeader(clients.node(c, first), 'retry', 0);
  const batch = records(4, 'once', { id: 99, epoch: 0, sequence: 0 });
  const original = await produce(clients.node(c, first), 'retry', 0, Buffer.from(batch));
  expect(original.errorCode).toBe(ErrorCode.NONE);

  await c.kill(first);
  const second = await leaderOf(clients.controller(c), 'retry', [first]);
  await awaitLeader(clients.node(c, second), 'retry', 0);
  const retried = await produce(clients.node(c, second), 'retry', 0, Buffer.from(batch));
  expect([retried.errorCode, retried.baseOffset]).toEqual([ErrorCode.NONE, original.baseOffset]);
  expect(valuesOf((await fetchOnce(clients.node(c, second), 'retry', 0, 0, 5000)).records)).toHaveLength(4);
}, 60_000);

it('refuses malformed and oversized requests whole, and keeps serving', async () => {
  const c = await start();
  await createTopic(clients.controller(c), 'strict', 1, 1);
  const leader = await leaderOf(clients.controller(c), 'strict');
  const node = clients.node(c, leader);
  await awaitLeader(node, 'strict', 0);

  const negative = await call(node, 'fetch', storage.FetchRequest.fromPartial({ maxWaitMs: 0, maxBytes: 1024, topics: [{ topic: 'strict', partitions: [{ partition: 0, fetchOffset: -5, partitionMaxBytes: 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }] })).catch((error: grpc.ServiceError) => error);
  expect((negative as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
  expect((negative as grpc.ServiceError).metadata.get('samsa-error-code')).toEqual([String(ErrorCode.INVALID_REQUEST)]);

  const huge = Buffer.alloc(65 * 1024 * 1024, 1);
  const oversized = await call(node, 'produce', storage.ProduceRequest.fromPartial({ acks: 1, timeoutMs: 1000, topics: [{ topic: 'strict', partitions: [{ partition: 0, records: huge }] }] })).catch((error: grpc.ServiceError) => error);
  expect((oversized as grpc.ServiceError).code).toBe(grpc.status.RESOURCE_EXHAUSTED);

  expect((await produce(node, 'strict', 0, records(1))).errorCode).toBe(ErrorCode.NONE);
}, 60_000);
