/**
 * Controlled shutdown on 3 storage nodes + controller (child processes; issue #6, membership): a
 * leader sent SIGTERM has its leadership moved to another in-sync replica before it exits 0 —
 * the controller names the new leader the moment the process is gone, long before the broker
 * session (9 s) would have expired — the new leader serves every acknowledged record, and the
 * stopped node, restarted, rejoins the ISR.
 */
import { expect, it } from 'vitest';
import { ErrorCode } from '@samsa/proto';
import { awaitLeader, awaitTopicState, createTopic, fetchOnce, leaderOf, produce, records, useActiveCluster, valuesOf } from './storage-test-kit.js';

const { clients, start } = useActiveCluster();

it('moves leadership to an in-sync replica before a leader stopped with SIGTERM exits 0, losing nothing acknowledged', async () => {
  const c = await start();
  const controller = clients.controller(c);
  const [created] = await createTopic(controller, 'handover', 1, 3, { 'min.insync.replicas': '2' });
  const leader = await leaderOf(controller, 'handover');
  await awaitLeader(clients.node(c, leader), 'handover', 0);
  const acknowledged: string[] = [];
  for (let i = 0; i < 20; i++) {
    const result = await produce(clients.node(c, leader), 'handover', 0, records(5, `b${i}-`));
    expect(result.errorCode).toBe(ErrorCode.NONE);
    acknowledged.push(...valuesOf(records(5, `b${i}-`)).map((record) => record.value));
  }

  const moved = c.node(leader).service.waitForLog((line) => line.msg === 'controlled shutdown: leadership moved away', 30_000);
  const exit = await c.stopNode(leader, 30_000);
  expect(exit).toEqual({ code: 0, signal: null });
  expect((await moved).moved).toBe(true);
  const [state] = await awaitTopicState(controller, 'handover', () => true);
  expect(state?.leaderId).not.toBe(leader);
  expect(state?.leaderId).toBeGreaterThan(0);
  expect(state?.leaderEpoch).toBeGreaterThan(created?.leaderEpoch ?? 0);
  expect(state?.isr).not.toContain(leader);

  const next = clients.node(c, state?.leaderId ?? -1);
  await awaitLeader(next, 'handover', 0);
  const deadline = Date.now() + 20_000;
  let read: string[] = [];
  while (read.length < acknowledged.length && Date.now() < deadline) {
    const data = await fetchOnce(next, 'handover', 0, read.length, 500);
    read = read.concat(valuesOf(data.records, read.length).map((record) => record.value));
  }
  expect(read).toEqual(acknowledged);

  // Restarted, the stopped node catches up and rejoins the ISR.
  await c.restart(leader);
  await awaitTopicState(controller, 'handover', (list) => list[0]?.isr.length === 3, 30_000);
}, 90_000);
