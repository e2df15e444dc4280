/**
 * Controller acceptance (issue #5), against real controller processes — with the embedded store
 * and with etcd: balanced rack-aware placement, fencing on a missed session with watchers seeing
 * it, bad input rejected with Kafka's codes and nothing changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controller, ErrorCode } from '@samsa/proto';
import { startEtcd, type EtcdCluster } from '@samsa/testing';
import { awaitInternalTopics, becameActive, call, ControllerHarness, readSnapshot, type Client, type RunningController } from './controller-harness.js';

const stores = ['embedded', 'etcd'] as const;

describe.each(stores)('controller with the %s metadata store', (store) => {
  let harness: ControllerHarness;
  let etcd: EtcdCluster | undefined;
  let active: RunningController;

  /** Starts the controller under test; sessions long enough that a loaded machine fences nobody by accident. */
  async function startController(brokerSessionTimeoutMs = 20_000): Promise<void> {
    const args = ['--broker-session-timeout-ms', String(brokerSessionTimeoutMs)];
    if (store === 'etcd') {
      etcd = await startEtcd();
      active = await harness.startWithEtcd(etcd.endpoints, args);
      await becameActive(active);
    } else {
      active = await harness.startEmbedded(args);
    }
  }

  beforeEach(() => {
    harness = new ControllerHarness();
  });

  afterEach(async () => {
    await harness.close();
    await etcd?.cleanup();
    etcd = undefined;
  });

  const createTopic = (client: Client, name: string, numPartitions: number, replicationFactor: number, configs: Array<{ name: string; value: string }> = []) =>
    call(client, 'createTopics', controller.CreateTopicsRequest.fromPartial({ topics: [{ name, numPartitions, replicationFactor, configs }] }));

  it('places 6 partitions × RF 3 on 3 nodes: 2 leaderships and 6 replicas each, one replica per rack', async () => {
    await startController();
    for (const [nodeId, rack] of [[1, 'a'], [2, 'b'], [3, 'c']] as const) await harness.addNode(active.client, nodeId, rack);
    const created = await createTopic(active.client, 'orders', 6, 3);
    expect(created.topics[0]?.errorCode).toBe(ErrorCode.NONE);

    const snapshot = await readSnapshot(active.client);
    const partitions = snapshot.topics.find((topic) => topic.name === 'orders')?.partitions ?? [];
    expect(partitions).toHaveLength(6);
    const racks = new Map([[1, 'a'], [2, 'b'], [3, 'c']]);
    for (const nodeId of [1, 2, 3]) {
      expect(partitions.filter((p) => p.leaderId === nodeId)).toHaveLength(2);
      expect(partitions.filter((p) => p.replicas.includes(nodeId))).toHaveLength(6);
    }
    for (const partition of partitions) expect(new Set(partition.replicas.map((id) => racks.get(id)))).toEqual(new Set(['a', 'b', 'c']));
  });

  it('fences a node that stops heartbeating within the session timeout + 1 s, moving its leaderships inside the ISR', async () => {
    await startController(3000);
    const nodes = [];
    for (const nodeId of [1, 2, 3]) nodes.push(await harness.addNode(active.client, nodeId));
    await createTopic(active.client, 'payments', 6, 3);
    const before = await readSnapshot(active.client);
    const led = (before.topics.find((t) => t.name === 'payments')?.partitions ?? []).filter((p) => p.leaderId === 2);
    expect(led.length).toBeGreaterThan(0);

    const watch = active.client.watchMetadata(controller.WatchMetadataRequest.fromPartial({ fromVersion: before.version, subscriberName: 'test' }));
    const seen: controller.MetadataRecord[] = [];
    const fenced = new Promise<number>((resolve) => {
      watch.on('data', (event: controller.WatchMetadataResponse) => {
        if (event.event?.$case !== 'delta') return;
        seen.push(event.event.delta);
        if (event.event.delta.payload?.$case === 'brokerFenced') resolve(performance.now());
      });
    });
    watch.on('error', () => undefined);
    const stoppedAt = performance.now();
    nodes[1]?.stop();
    const fencedAt = await fenced;
    expect(fencedAt - stoppedAt).toBeLessThan(3000 + 1000);

    const after = await readSnapshot(active.client);
    for (const old of led) {
      const now = after.topics.find((t) => t.name === 'payments')?.partitions[old.topicPartition?.partition ?? -1];
      expect(now?.leaderId).not.toBe(2);
      expect(old.isr).toContain(now?.leaderId);
      expect(now?.leaderEpoch).toBe(old.leaderEpoch + 1);
      expect(now?.isr).not.toContain(2);
    }
    const changes = seen.filter((record) => record.payload?.$case === 'partitionChanged');
    expect(changes.length).toBeGreaterThanOrEqual(led.length);
    watch.cancel();
  });

  it('rejects bad input with Kafka error codes and changes nothing', async () => {
    await startController();
    for (const nodeId of [1, 2, 3]) await harness.addNode(active.client, nodeId);
    await awaitInternalTopics(active.client);
    await createTopic(active.client, 'existing', 1, 3);
    const initial = (await readSnapshot(active.client)).topics.find((t) => t.name === 'existing')?.partitions[0] as controller.PartitionState;
    const leader = harness.nodes.find((node) => node.nodeId === initial.leaderId);
    const alterIsr = (partitionEpoch: number, newIsr: number[]) =>
      call(active.client, 'alterPartition', controller.AlterPartitionRequest.fromPartial({
        nodeId: initial.leaderId,
        brokerEpoch: leader?.brokerEpoch ?? -1,
        partitions: [{ topicPartition: initial.topicPartition, leaderEpoch: initial.leaderEpoch, partitionEpoch, newIsr }],
      }));
    const shrunk = initial.isr.filter((id) => id === initial.leaderId || id === initial.isr.find((other) => other !== initial.leaderId));
    expect((await alterIsr(initial.partitionEpoch, shrunk)).partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    const before = await readSnapshot(active.client);

    expect((await createTopic(active.client, 'bad/name', 1, 1)).topics[0]?.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect((await createTopic(active.client, '..', 1, 1)).topics[0]?.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect((await createTopic(active.client, 'too-wide', 1, 4)).topics[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect((await createTopic(active.client, 'unknown-config', 1, 1, [{ name: 'retention.msec', value: '1' }])).topics[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await createTopic(active.client, 'ill-typed', 1, 1, [{ name: 'retention.ms', value: 'soon' }])).topics[0]?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect((await createTopic(active.client, 'existing', 1, 1)).topics[0]?.errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect((await alterIsr(initial.partitionEpoch, initial.isr)).partitions[0]?.errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION);

    const after = await readSnapshot(active.client);
    expect(after.version).toBe(before.version);
    expect(after.topics.map((t) => t.name).sort()).toEqual(before.topics.map((t) => t.name).sort());
  });
});
