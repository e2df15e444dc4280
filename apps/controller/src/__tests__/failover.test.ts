/**
 * Controller failover with etcd (issue #5): two controller processes; kill -9 the active one;
 * the standby is active within the election TTL + 2 s; no metadata version is lost or written
 * twice; a write fenced by the old controller's epoch is rejected.
 */
import { afterEach, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { connectEtcdMetadataStore, type Leadership } from '@samsa/metadata-store';
import { controller, ErrorCode } from '@samsa/proto';
import { startEtcd, type EtcdCluster } from '@samsa/testing';
import { MetadataLogStore } from '../adapters/metadata-log-store.js';
import { NotControllerError } from '../engine/metadata-log-port.js';
import { becameActive, call, ControllerHarness, readSnapshot } from './controller-harness.js';

const TTL_MS = 2000;
let harness: ControllerHarness | undefined;
let etcd: EtcdCluster | undefined;

afterEach(async () => {
  await harness?.close();
  await etcd?.cleanup();
});

it('fails over to the standby within the election TTL + 2 s, losing and duplicating no version, fencing the old epoch', async () => {
  harness = new ControllerHarness();
  etcd = await startEtcd();
  const args = ['--election-ttl-ms', String(TTL_MS)];
  const first = await harness.startWithEtcd(etcd.endpoints, args);
  await becameActive(first);
  const second = await harness.startWithEtcd(etcd.endpoints, args);

  const standbyError = await call(second.client, 'describeCluster', controller.DescribeClusterRequest.fromPartial({})).catch((error: grpc.ServiceError) => error);
  expect((standbyError as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
  expect((standbyError as grpc.ServiceError).metadata.get('samsa-error-code')).toEqual([String(ErrorCode.NOT_CONTROLLER)]);

  for (const nodeId of [1, 2, 3]) await harness.addNode(first.client, nodeId);
  for (const name of ['t1', 't2', 't3']) {
    await call(first.client, 'createTopics', controller.CreateTopicsRequest.fromPartial({ topics: [{ name, numPartitions: 3, replicationFactor: 3 }] }));
  }
  const beforeKill = await readSnapshot(first.client);
  for (const node of harness.nodes) node.stop();

  const killedAt = performance.now();
  await first.service.stop('SIGKILL');
  await becameActive(second, TTL_MS + 5000);
  expect(performance.now() - killedAt).toBeLessThan(TTL_MS + 2000);
  const describe = await call(second.client, 'describeCluster', controller.DescribeClusterRequest.fromPartial({}));
  expect(describe.clusterId).toBe(beforeKill.clusterId);

  const afterFailover = await readSnapshot(second.client);
  expect(afterFailover.version).toBeGreaterThanOrEqual(beforeKill.version);
  // Internal topics may appear on either side of the kill (created on the liveness timer).
  const userTopics = (snapshot: controller.MetadataSnapshot) => snapshot.topics.map((t) => t.name).filter((name) => !name.startsWith('__')).sort();
  expect(userTopics(afterFailover)).toEqual(userTopics(beforeKill));

  // The log in etcd: versions 1..N, each exactly once.
  const store = await connectEtcdMetadataStore({ endpoints: etcd.endpoints });
  try {
    const stale: Leadership = { fence: () => ({ target: 'createRevision', key: '/samsa/controller-election/stale', operator: '==', value: 1 }) } as unknown as Leadership;
    const log = new MetadataLogStore(store, stale, '/samsa/metadata/');
    const loaded = await log.load();
    const versions = loaded.records.map((record) => record.version);
    const start = (loaded.snapshot?.version ?? 0) + 1;
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => start + i));
    expect(versions.at(-1)).toBeGreaterThanOrEqual(afterFailover.version);

    const attempt = log.append([{ ...controller.MetadataRecord.fromPartial({}), version: afterFailover.version + 1, lastInBatch: true }], afterFailover.version);
    await expect(attempt).rejects.toBeInstanceOf(NotControllerError);
    expect((await readSnapshot(second.client)).version).toBeGreaterThanOrEqual(afterFailover.version);
  } finally {
    await store.close();
  }
});
