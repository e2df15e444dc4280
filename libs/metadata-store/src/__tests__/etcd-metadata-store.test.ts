/**
 * The etcd store against a real single-member etcd (started per file by @samsa/testing): the
 * shared contract, each test in its own key namespace with its own clients, plus what is
 * specific to the adapter (namespacing, an unreachable cluster).
 */
import { randomUUID } from 'node:crypto';
import { startEtcd, reserveFreePorts, type EtcdCluster } from '@samsa/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdMetadataStore } from '../etcd/etcd-metadata-store.js';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import type { MetadataStore } from '../metadata-store.js';
import { operation } from '../operations.js';
import { describeMetadataStoreContract } from './metadata-store.contract.js';
import { utf8 } from './watch-collector.js';

let etcd: EtcdCluster;
beforeAll(async () => {
  etcd = await startEtcd();
});
afterAll(async () => {
  await etcd?.cleanup();
});

describeMetadataStoreContract('etcd', async () => {
  const namespace = `test-${randomUUID()}/`;
  const clients: MetadataStore[] = [];
  const connect = () => {
    const client = new EtcdMetadataStore({ endpoints: etcd.endpoints, namespace });
    clients.push(client);
    return client;
  };
  return {
    store: connect(),
    peer: async () => connect(),
    advanceTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    shortTtlMs: 1_000,
    close: async () => {
      await Promise.all(clients.map((client) => client.close()));
    },
  };
});

describe('EtcdMetadataStore', () => {
  it('keeps each namespace to itself', async () => {
    const left = new EtcdMetadataStore({ endpoints: etcd.endpoints, namespace: `ns-${randomUUID()}/` });
    const right = new EtcdMetadataStore({ endpoints: etcd.endpoints, namespace: `ns-${randomUUID()}/` });
    try {
      await left.txn({ success: [operation.put('shared/key', utf8('left'))] });
      expect((await right.get('shared/key')).kv).toBeUndefined();
      expect((await left.range('')).kvs.map((kv) => kv.key)).toEqual(['shared/key']);
    } finally {
      await Promise.all([left.close(), right.close()]);
    }
  });

  it('reports an unreachable cluster as UNAVAILABLE, not a hang', async () => {
    const [port] = await reserveFreePorts(1);
    const store = new EtcdMetadataStore({ endpoints: [`http://127.0.0.1:${port}`], requestTimeoutMs: 1_000 });
    try {
      await expect(store.get('anything')).rejects.toSatisfy((error) => isMetadataStoreError(error, MetadataStoreErrorCode.UNAVAILABLE));
    } finally {
      await store.close();
    }
  });
});
