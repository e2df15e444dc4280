/**
 * Test builder for the metadata image: writes metadata records by hand (what the controller's
 * handlers would write), stamps them with consecutive versions, keeps them as a log and applies
 * them to an image. Knows nothing of the controller's decisions: leaders are the first replica,
 * ISRs are all replicas, shards are owned as told.
 */
import { controller, type ConfigEntry } from '@samsa/proto';
import { expect } from 'vitest';
import { MetadataImage } from '../metadata-image.js';
import { shardTopicOf } from '../topic-names.js';

export const CLUSTER_ID = '00000000-0000-4000-8000-00000000c1d0';

/** The payload union of a metadata record. */
export type Payload = NonNullable<controller.MetadataRecord['payload']>;

/** A stamped record at `version`. */
export function record(version: number, payload: Payload | undefined): controller.MetadataRecord {
  return { version, controllerEpoch: 1, timestampMs: 1_700_000_000_000, lastInBatch: true, payload };
}

/** A storage node registration with one listener `internal` at node-<id>.local:9092. */
export function brokerRegistration(nodeId: number, brokerEpoch: number, rack = ''): controller.BrokerRegistration {
  return {
    nodeId,
    incarnationId: `inc-${nodeId}`,
    brokerEpoch,
    rack,
    listeners: [{ name: 'internal', host: `node-${nodeId}.local`, port: 9092 }],
    logDirs: [`/data/${nodeId}`],
  };
}

/** A partition state, leader = first replica, ISR = replicas, epochs 0, unless `fields` say otherwise. */
export function partitionState(topic: string, partition: number, topicId: string, fields: Partial<controller.PartitionState> = {}): controller.PartitionState {
  const replicas = fields.replicas ?? [1, 2];
  return { topicPartition: { topic, partition }, topicId, replicas, isr: [...replicas], leaderId: replicas[0] ?? -1, leaderEpoch: 0, partitionEpoch: 0, ...fields };
}

export class ImageBuilder {
  readonly image = MetadataImage.empty();
  /** Every applied record, in version order. */
  readonly log: controller.MetadataRecord[] = [];

  /** Starts the log with the ClusterCreatedRecord. */
  constructor(clusterId = CLUSTER_ID) {
    this.apply({ $case: 'clusterCreated', clusterCreated: { clusterId } });
  }

  /** Applies `payload` as the next record and logs it. */
  apply(payload: Payload): controller.MetadataRecord {
    const stamped = record(this.image.version + 1, payload);
    this.image.apply(stamped);
    this.log.push(stamped);
    return stamped;
  }

  /** Registers node `nodeId` (FENCED); returns its broker epoch. */
  registerBroker(nodeId: number, rack = '', listeners?: controller.BrokerListener[]): number {
    const registration = brokerRegistration(nodeId, this.image.version + 1, rack);
    this.apply({ $case: 'brokerRegistered', brokerRegistered: { registration: { ...registration, listeners: listeners ?? registration.listeners } } });
    return this.image.version;
  }

  /** Registers and unfences each node. */
  addBrokers(nodeIds: readonly number[]): void {
    for (const nodeId of nodeIds) {
      const brokerEpoch = this.registerBroker(nodeId);
      this.apply({ $case: 'brokerUnfenced', brokerUnfenced: { nodeId, brokerEpoch } });
    }
  }

  fence(nodeId: number): void {
    const brokerEpoch = this.image.broker(nodeId)?.registration.brokerEpoch ?? -1;
    this.apply({ $case: 'brokerFenced', brokerFenced: { nodeId, brokerEpoch, reason: controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED } });
  }

  /** Creates `name` with partition i on replicas `replicaLists[i]` (led by the first). */
  createTopic(name: string, topicId: string, replicaLists: readonly number[][], configs: ConfigEntry[] = [], internal = false): void {
    this.apply({ $case: 'topicCreated', topicCreated: { name, topicId, partitionCount: replicaLists.length, configs, internal } });
    replicaLists.forEach((replicas, index) =>
      this.apply({
        $case: 'partitionChanged',
        partitionChanged: { partition: partitionState(name, index, topicId, { replicas }), reason: controller.PartitionChangeReason.PARTITION_CHANGE_REASON_CREATED },
      }),
    );
  }

  /** Registers coordinator instance `instanceId` of `kind`; returns its epoch. */
  registerCoordinator(kind: controller.CoordinatorKind, instanceId: number): number {
    const coordinatorEpoch = this.image.version + 1;
    this.apply({
      $case: 'coordinatorRegistered',
      coordinatorRegistered: {
        registration: { kind, instanceId, incarnationId: `c${instanceId}`, coordinatorEpoch, endpoint: { nodeId: instanceId, host: 'coordinator.local', port: 9300 + instanceId, rack: '' } },
      },
    });
    return coordinatorEpoch;
  }

  /** Creates the internal topic of `kind` with `shardCount` partitions on `replicas`, and assigns every shard to `owner`. */
  createShards(kind: controller.CoordinatorKind, shardCount: number, replicas: number[], owner: number): void {
    const topic = shardTopicOf(kind);
    this.createTopic(topic, `${topic}-id`, Array.from({ length: shardCount }, () => replicas), [{ name: 'cleanup.policy', value: 'compact' }], true);
    const firstProducerId = this.image.nextProducerId;
    this.apply({ $case: 'producerIdsAllocated', producerIdsAllocated: { nextProducerId: firstProducerId + shardCount } });
    const shards = Array.from({ length: shardCount }, (_, shard) => ({ shard, instanceId: owner, shardEpoch: 0, writerProducerId: firstProducerId + shard }));
    this.apply({ $case: 'coordinatorShardsAssigned', coordinatorShardsAssigned: { kind, shards } });
  }

  /** Replaying the log from scratch, and a snapshot round trip through the wire format, both give the current image. */
  expectReplayConsistent(): void {
    const replayed = MetadataImage.empty();
    for (const entry of this.log) replayed.apply(entry);
    const snapshot = this.image.toSnapshot();
    expect(replayed.toSnapshot()).toEqual(snapshot);
    const decoded = controller.MetadataSnapshot.decode(controller.MetadataSnapshot.encode(snapshot).finish());
    expect(MetadataImage.fromSnapshot(decoded).toSnapshot()).toEqual(snapshot);
  }
}
