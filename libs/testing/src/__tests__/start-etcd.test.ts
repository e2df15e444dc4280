import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startEtcd } from '../start-etcd.js';

const health = async (url: string) => (await (await fetch(`${url}/health`)).json()) as { health: string };

describe('startEtcd', () => {
  it('starts a healthy single member on free loopback ports and cleans it all up', async () => {
    const etcd = await startEtcd();
    try {
      expect(etcd.endpoints).toHaveLength(1);
      expect(etcd.endpoints[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await health(etcd.endpoints[0] ?? '')).toEqual({ health: 'true' });
      const metrics = await (await fetch(`${etcd.members[0]?.metricsUrl}/metrics`)).text();
      expect(metrics).toContain('etcd_server_has_leader 1');
    } finally {
      await etcd.cleanup();
    }
    expect(etcd.members[0]?.running()).toBe(false);
    await expect(access(etcd.dir)).rejects.toThrow();
  });

  it('starts a three-member cluster with distinct ports, and kills one member on request', async () => {
    const etcd = await startEtcd({ members: 3 });
    try {
      const urls = etcd.members.flatMap((member) => [member.clientUrl, member.peerUrl, member.metricsUrl]);
      expect(new Set(urls).size).toBe(9);
      // Kill a follower: the two left keep their leader, so the cluster stays healthy throughout.
      const leaders = await Promise.all(etcd.members.map(async (member) => (await (await fetch(`${member.metricsUrl}/metrics`)).text()).includes('etcd_server_is_leader 1')));
      const follower = leaders.indexOf(false);
      const survivor = etcd.members.find((_, index) => index !== follower);
      await etcd.kill(follower);
      expect(etcd.members.map((member) => member.running())).toEqual(etcd.members.map((_, index) => index !== follower));
      expect(await health(survivor?.clientUrl ?? '')).toEqual({ health: 'true' });
    } finally {
      await etcd.cleanup();
    }
  });
});
