/**
 * Replication on 3 storage nodes + controller (child processes; issue #6 acceptance): acks=all
 * with RF 3 and min.insync.replicas 2 survives the leader being killed (-9) twice and restarted —
 * every acknowledged record read back exactly once at its acknowledged offset, in order, offsets
 * contiguous, replicas byte-identical; two replicas down refuses acks=all with nothing appended.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ErrorCode, storage } from '@samsa/proto';
import { awaitLeader, awaitTopicState, call, createTopic, fetchOnce, leaderOf, produce, records, useActiveCluster, valuesOf } from './storage-test-kit.js';

const { clients, start } = useActiveCluster();

it('keeps every acknowledged record, once and in order, while the leader is killed twice', async () => {
  const c = await start();
  await createTopic(clients.controller(c), 'durable', 1, 3, { 'min.insync.replicas': '2' });
  let leader = await leaderOf(clients.controller(c), 'durable');
  await awaitLeader(clients.node(c, leader), 'durable', 0);

  const BATCHES = 1000;
  const PER_BATCH = 100;
  const acknowledged = new Map<number, string>();
  const producerId = 4242;
  const kills = new Set([300, 650]);
  const dead: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    if (kills.has(i)) {
      const victim = leader;
      await c.kill(victim);
      dead.push(victim);
      if (dead.length === 2) await c.restart(dead[0] as number);
    }
    const batch = records(PER_BATCH, `b${i}`, { id: producerId, epoch: 0, sequence: i * PER_BATCH });
    for (let attempt = 0; ; attempt++) {
      const result = await produce(clients.node(c, leader), 'durable', 0, Buffer.from(batch)).catch(() => undefined);
      if (result?.errorCode === ErrorCode.NONE) {
        for (let r = 0; r < PER_BATCH; r++) acknowledged.set(result.baseOffset + r, `b${i}-${r}`);
        break;
      }
      expect(attempt).toBeLessThan(400);
      leader = await leaderOf(clients.controller(c), 'durable', dead.slice(-1));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await c.restart(dead[1] as number);

  // Read everything back from the current leader.
  leader = await leaderOf(clients.controller(c), 'durable');
  const node = clients.node(c, leader);
  const seen: Array<{ offset: number; value: string }> = [];
  for (let offset = 0; offset < BATCHES * PER_BATCH; ) {
    const data = await fetchOnce(node, 'durable', 0, offset, 1000);
    expect(data.errorCode).toBe(ErrorCode.NONE);
    const got = valuesOf(data.records, offset);
    if (got.length === 0) break;
    seen.push(...got);
    offset = (got.at(-1)?.offset ?? offset) + 1;
  }
  expect(seen.map((r) => r.offset)).toEqual(Array.from({ length: seen.length }, (_, i) => i));
  expect(seen).toHaveLength(BATCHES * PER_BATCH);
  for (const { offset, value } of seen) expect(acknowledged.get(offset) ?? value).toBe(value);
  expect(new Set(seen.map((r) => r.value)).size).toBe(seen.length);
  for (const [offset, value] of acknowledged) expect(seen[offset]?.value).toBe(value);

  // Convergence: every replica back in the ISR, then byte-identical logs.
  await awaitTopicState(clients.controller(c), 'durable', (list) => list[0]?.isr.length === 3, 30_000);
  await Promise.all([1, 2, 3].map((id) => awaitLeader(clients.node(c, id), 'durable', 0).catch(() => undefined)));
  const contents = await Promise.all([1, 2, 3].map(async (id) => {
    await c.stopNode(id);
    const dir = join(c.node(id).dataDir, 'durable-0');
    const logs = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
    return Buffer.concat(await Promise.all(logs.map((name) => readFile(join(dir, name)))));
  }));
  expect(contents[0]?.equals(contents[1] as Buffer)).toBe(true);
  expect(contents[0]?.equals(contents[2] as Buffer)).toBe(true);
}, 180_000);

it('refuses acks=all with NOT_ENOUGH_REPLICAS when two replicas are down, appending nothing', async () => {
  const c = await start();
  await createTopic(clients.controller(c), 'guarded', 1, 3, { 'min.insync.replicas': '2' });
  const leader = await leaderOf(clients.controller(c), 'guarded');
  const node = clients.node(c, leader);
  await awaitLeader(node, 'guarded', 0);
  expect((await produce(node, 'guarded', 0, records(1))).errorCode).toBe(ErrorCode.NONE);
  for (const id of [1, 2, 3].filter((n) => n !== leader)) await c.kill(id);
  await awaitTopicState(clients.controller(c), 'guarded', (list) => list[0]?.isr.length === 1, 30_000);
  await awaitIsr(node, 'guarded', 1);
  expect((await produce(node, 'guarded', 0, records(1))).errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
  const after = await fetchOnce(node, 'guarded', 0, 0);
  expect(after.logEndOffset).toBe(1);
}, 60_000);

/** Waits (bounded) until the node itself reports an ISR of `size` through its Metadata answer... of its partition state. */
async function awaitIsr(node: storage.StorageServiceClient, topic: string, size: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const metadata = await call(node, 'metadata', storage.MetadataRequest.fromPartial({ topics: [topic] }));
    if (metadata.topics[0]?.partitions[0]?.isr.length === size) return;
    if (Date.now() > deadline) throw new Error('ISR did not shrink on the node');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
