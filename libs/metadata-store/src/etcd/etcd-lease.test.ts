import { ManualClock, silentLogger } from '@samsa/common';
import { describe, expect, it } from 'vitest';
import { FakeEtcd, type FakeEtcdScript } from '../__tests__/fake-etcd-client.js';
import { EtcdLease } from './etcd-lease.js';

const settle = async () => {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
};

async function grant(script: FakeEtcdScript, autoKeepAlive: boolean) {
  const fake = new FakeEtcd(script);
  const clock = new ManualClock(0);
  const lease = await EtcdLease.grant({ client: fake.client, clock, logger: silentLogger, onFinished: () => undefined }, 3_000, { autoKeepAlive });
  /** Moves time in small steps, letting each keepalive round trip finish. */
  const run = async (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 250) {
      clock.advance(250);
      await settle();
    }
  };
  return { fake, clock, lease, run };
}

describe('EtcdLease', () => {
  it('keeps itself alive every third of its TTL', async () => {
    const { fake, lease, run } = await grant({}, true);
    expect(lease).toMatchObject({ id: '42', ttlMs: 3_000 });
    await run(10_000);
    expect(lease.isAlive()).toBe(true);
    expect(fake.calls.filter((call) => call === 'keepalive').length).toBeGreaterThanOrEqual(9);
    await lease.revoke();
    expect(await lease.lost).toBe('revoked');
  });

  it('reports the lease lost once keepalives have failed for a whole TTL, then revokes it', async () => {
    const { fake, lease, run } = await grant({ keepAlive: (stream) => setImmediate(() => stream.emit('error', new Error('unreachable'))) }, true);
    await run(2_750);
    expect(lease.isAlive()).toBe(true);
    await run(1_000);
    expect(lease.isAlive()).toBe(false);
    expect(await lease.lost).toBe('expired');
    expect(fake.calls).toContain('revoke');
  });

  it('reports the lease lost at once when etcd answers a keepalive with TTL 0', async () => {
    const { lease, run } = await grant({ keepAlive: (stream) => stream.reply({ TTL: '0' }) }, true);
    await run(1_000);
    expect(await lease.lost).toBe('expired');
    await expect(lease.keepAlive()).rejects.toThrow(/lease 42/);
  });

  it('without keepalives, asks etcd at the deadline and reports expiry once etcd says it is gone', async () => {
    const remaining = ['1', '-1'];
    const { fake, lease, run } = await grant({ leaseTimeToLive: async () => ({ TTL: remaining.shift() ?? '-1' }) }, false);
    await run(3_000);
    expect(fake.calls.filter((call) => call === 'ttl')).toHaveLength(1);
    expect(lease.isAlive()).toBe(true);
    await run(1_000);
    expect(await lease.lost).toBe('expired');
    expect(fake.calls).not.toContain('keepalive');
  });
});
