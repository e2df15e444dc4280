/**
 * The etcd store on a real three-member cluster: SIGKILL one member — the one serving our watch
 * streams, and the raft leader if it serves any — and the store keeps working: transactions,
 * reads, running and new watches (no event lost or repeated), and a held leadership.
 */
import { randomUUID } from 'node:crypto';
import { startEtcd, type EtcdCluster } from '@samsa/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdMetadataStore } from '../etcd/etcd-metadata-store.js';
import { operation } from '../operations.js';
import { collectWatch, utf8 } from './watch-collector.js';

let cluster: EtcdCluster;
beforeAll(async () => {
  cluster = await startEtcd({ members: 3 });
});
afterAll(async () => {
  await cluster?.cleanup();
});

/** Each member's current watcher count and leadership, from its metrics endpoint. */
async function memberStatus(index: number): Promise<{ index: number; watchers: number; leader: boolean }> {
  const member = cluster.members[index];
  if (!member) throw new Error(`no member ${index}`);
  const text = await (await fetch(`${member.metricsUrl}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { index, watchers: metric('etcd_debugging_mvcc_watcher_total'), leader: metric('etcd_server_is_leader') === 1 };
}

describe('EtcdMetadataStore on a three-member cluster', () => {
  it('keeps serving reads, transactions, watches and leadership when a member is SIGKILLed', async () => {
    // A short request deadline: a request caught by the dead leader is retried on a live member sooner.
    const store = new EtcdMetadataStore({ endpoints: cluster.endpoints, namespace: `cluster-${randomUUID()}/`, requestTimeoutMs: 1_500 });
    try {
      const leadership = await store.campaign('election/controller', utf8('only'));
      const watches = await Promise.all(Array.from({ length: 6 }, () => collectWatch(store, 'data/')));
      await store.txn({ success: [operation.put('data/before', utf8('0'))] });
      await Promise.all(watches.map((watch) => watch.untilCount(1)));

      const statuses = await Promise.all(cluster.members.map((_, index) => memberStatus(index)));
      const serving = statuses.filter((status) => status.watchers > 0).sort((a, b) => Number(b.leader) - Number(a.leader));
      const victim = serving[0];
      expect(victim, 'some member serves our watches').toBeDefined();
      await cluster.kill(victim?.index ?? 0);

      const revisions: number[] = [];
      for (let index = 0; index < 20; index++) {
        const result = await store.txn({ success: [operation.put(`data/after-${String(index).padStart(2, '0')}`, utf8(String(index)))] });
        revisions.push(result.revision);
      }
      const { kvs } = await store.range('data/');
      expect(kvs).toHaveLength(21);

      for (const watch of watches) {
        const events = await watch.untilCount(21, 20_000);
        expect(events.map((event) => event.key)).toEqual(['data/before', ...kvs.slice(0, 20).map((kv) => kv.key)]);
        expect(events.slice(1).map((event) => event.revision)).toEqual(revisions);
        expect(watch.errors).toEqual([]);
      }
      const late = await collectWatch(store, 'data/', revisions[0]);
      expect(await late.untilCount(20)).toHaveLength(20);

      expect(leadership.isLeader()).toBe(true);
      const fenced = await store.txn({ compare: [leadership.fence()], success: [operation.put('data-owner', utf8('only'))] });
      expect(fenced.succeeded).toBe(true);
      await leadership.resign();
    } finally {
      await store.close();
    }
  });
});
