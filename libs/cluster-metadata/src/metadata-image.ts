/**
 * MetadataImage: the cluster metadata as of one version of the metadata log — the result of
 * replaying every record up to it (or of loading a snapshot and replaying the rest). The
 * controller keeps one; storage nodes and coordinators keep the same replay of the same records.
 *
 * The only way to change it is {@link MetadataImage.apply}, one record at a time, in version
 * order (version = previous + 1, no gaps). Everything else only reads it (the controller's command
 * handlers, a storage node's replica manager, a coordinator's shard routing). Each apply checks the record
 * against the invariants (image-invariants.ts, broker-state.ts) before changing anything, so a
 * record that would break one throws and leaves the image as it was.
 *
 * Concurrency: not thread-safe and not meant to be; the controller serializes commands, and a
 * handler runs synchronously against one version.
 */
import { controller, type NodeEndpoint } from '@samsa/proto';
import { checkBrokerTransition, isEligibleState } from './broker-state.js';
import {
  checkBrokerRegistration,
  checkCoordinatorRegistration,
  checkPartitionState,
  checkPartitionTransition,
  checkShardAssignment,
  checkShardTransition,
  fail,
} from './image-invariants.js';
import { TOPIC_CONFIG_DEFS, effectiveConfigs } from './topic-configs.js';
import { COORDINATOR_KINDS, coordinatorKindOfTopic, isCoordinatorKind, shardTopicOf, topicNameProblem } from './topic-names.js';
import { imageFromSnapshot, imageToSnapshot } from './image-snapshot.js';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE, BROKER_STATE_SHUTTING_DOWN: SHUTTING_DOWN } = controller.BrokerState;

/** One registered storage node. */
export interface BrokerView {
  readonly registration: controller.BrokerRegistration;
  readonly state: controller.BrokerState;
}

/** One topic. Partitions are in index order (partitions[i].topicPartition.partition === i). */
export interface TopicView {
  readonly name: string;
  readonly topicId: string;
  readonly internal: boolean;
  /** Keys set explicitly; others take the default (topic-configs.ts). */
  readonly configs: ReadonlyMap<string, string>;
  readonly partitions: readonly controller.PartitionState[];
}

/** The mutable state behind the views; only this module and image-snapshot.ts touch it. */
export interface ImageState {
  version: number;
  clusterId: string;
  nextProducerId: number;
  readonly brokers: Map<number, BrokerView>;
  readonly topics: Map<string, { name: string; topicId: string; internal: boolean; configs: Map<string, string>; partitions: controller.PartitionState[] }>;
  readonly coordinators: Map<controller.CoordinatorKind, Map<number, controller.CoordinatorRegistration>>;
  readonly shards: Map<controller.CoordinatorKind, controller.CoordinatorShardAssignment[]>;
}

export class MetadataImage {
  private constructor(private readonly state: ImageState) {}

  /** The image before the first record (version 0). */
  static empty(): MetadataImage {
    return new MetadataImage({
      version: 0,
      clusterId: '',
      nextProducerId: 0,
      brokers: new Map(),
      topics: new Map(),
      coordinators: new Map(COORDINATOR_KINDS.map((kind) => [kind, new Map()])),
      shards: new Map(COORDINATOR_KINDS.map((kind) => [kind, []])),
    });
  }

  /** The image a snapshot describes; throws when the snapshot breaks an invariant. */
  static fromSnapshot(snapshot: controller.MetadataSnapshot): MetadataImage {
    const image = MetadataImage.empty();
    imageFromSnapshot(image.state, snapshot);
    return image;
  }

  /** The whole image as one message (WatchMetadata, store compaction); deep copies, sorted keys. */
  toSnapshot(): controller.MetadataSnapshot {
    return imageToSnapshot(this.state);
  }

  /** Version of the last applied record; 0 before the first. */
  get version(): number {
    return this.state.version;
  }

  /** The cluster id; empty before the ClusterCreatedRecord. */
  get clusterId(): string {
    return this.state.clusterId;
  }

  /** The first producer id not yet handed out. */
  get nextProducerId(): number {
    return this.state.nextProducerId;
  }

  broker(nodeId: number): BrokerView | undefined {
    return this.state.brokers.get(nodeId);
  }

  /** Every registered storage node, by node id. */
  brokers(): BrokerView[] {
    return [...this.state.brokers.values()].sort((a, b) => a.registration.nodeId - b.registration.nodeId);
  }

  /** True when the node may lead and join ISRs (ACTIVE). */
  isActive(nodeId: number): boolean {
    return isEligibleState(this.state.brokers.get(nodeId)?.state);
  }

  /** The ACTIVE storage nodes, by node id: where new replicas go. */
  activeBrokers(): BrokerView[] {
    return this.brokers().filter((broker) => isEligibleState(broker.state));
  }

  topic(name: string): TopicView | undefined {
    return this.state.topics.get(name);
  }

  topicById(topicId: string): TopicView | undefined {
    for (const topic of this.state.topics.values()) if (topic.topicId === topicId) return topic;
    return undefined;
  }

  /** Every topic, by name. */
  topics(): TopicView[] {
    return [...this.state.topics.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  partition(topic: string, partition: number): controller.PartitionState | undefined {
    return this.state.topics.get(topic)?.partitions[partition];
  }

  /**
   * The partitions `nodeId` is an assigned replica of (leader or follower, in the ISR or not), by
   * topic name then partition index. A record never changes a returned state in place (it
   * replaces it), so the list stays as of this version; callers must not mutate it.
   */
  replicaPartitions(nodeId: number): controller.PartitionState[] {
    return this.topics().flatMap((topic) => topic.partitions.filter((partition) => partition.replicas.includes(nodeId)));
  }

  /**
   * Where storage node `nodeId` serves: its first (default) listener and its rack; undefined when
   * the node is not registered. Whatever the node's state: fenced nodes keep their endpoint.
   */
  brokerEndpoint(nodeId: number): NodeEndpoint | undefined {
    const registration = this.state.brokers.get(nodeId)?.registration;
    const listener = registration?.listeners[0];
    if (registration === undefined || listener === undefined) return undefined;
    return { nodeId, host: listener.host, port: listener.port, rack: registration.rack };
  }

  /**
   * The effective configuration of `topic`: every topic config key (Kafka name) with its value,
   * the default where the topic sets none, sorted by key; a fresh map. Undefined for an unknown topic.
   */
  effectiveTopicConfig(topic: string): Map<string, string> | undefined {
    const configs = this.state.topics.get(topic)?.configs;
    return configs === undefined ? undefined : effectiveConfigs(configs);
  }

  coordinator(kind: controller.CoordinatorKind, instanceId: number): controller.CoordinatorRegistration | undefined {
    return this.state.coordinators.get(kind)?.get(instanceId);
  }

  /** The registered instances of `kind`, by instance id. */
  coordinators(kind: controller.CoordinatorKind): controller.CoordinatorRegistration[] {
    return [...(this.state.coordinators.get(kind)?.values() ?? [])].sort((a, b) => a.instanceId - b.instanceId);
  }

  /** Shard ownership of `kind`, index = shard; empty until the kind's internal topic exists. */
  shards(kind: controller.CoordinatorKind): readonly controller.CoordinatorShardAssignment[] {
    return this.state.shards.get(kind) ?? [];
  }

  /** Applies the next record of the log; throws (image unchanged) when it breaks an invariant. */
  apply(record: controller.MetadataRecord): void {
    if (record.version !== this.state.version + 1) fail(`record version ${record.version} does not follow ${this.state.version}`);
    const payload = record.payload;
    if (payload === undefined) fail(`record ${record.version} has no payload`);
    switch (payload.$case) {
      case 'clusterCreated':
        if (record.version !== 1 || this.state.clusterId !== '') fail('ClusterCreatedRecord is not the first record');
        if (payload.clusterCreated.clusterId === '') fail('empty cluster id');
        this.state.clusterId = payload.clusterCreated.clusterId;
        break;
      case 'brokerRegistered':
        this.applyBrokerRegistered(record.version, payload.brokerRegistered);
        break;
      case 'brokerFenced':
        this.changeBrokerState(payload.brokerFenced, FENCED);
        break;
      case 'brokerUnfenced':
        this.changeBrokerState(payload.brokerUnfenced, ACTIVE);
        break;
      case 'brokerControlledShutdown':
        this.changeBrokerState(payload.brokerControlledShutdown, SHUTTING_DOWN);
        break;
      case 'brokerUnregistered':
        this.applyBrokerUnregistered(payload.brokerUnregistered);
        break;
      case 'topicCreated':
        this.applyTopicCreated(payload.topicCreated);
        break;
      case 'topicDeleted':
        this.applyTopicDeleted(payload.topicDeleted);
        break;
      case 'partitionChanged':
        this.applyPartitionChanged(payload.partitionChanged);
        break;
      case 'configChanged':
        this.applyConfigChanged(payload.configChanged);
        break;
      case 'producerIdsAllocated':
        if (payload.producerIdsAllocated.nextProducerId <= this.state.nextProducerId) {
          fail(`next producer id ${this.state.nextProducerId} -> ${payload.producerIdsAllocated.nextProducerId} does not advance`);
        }
        this.state.nextProducerId = payload.producerIdsAllocated.nextProducerId;
        break;
      case 'coordinatorRegistered':
        this.applyCoordinatorRegistered(record.version, payload.coordinatorRegistered);
        break;
      case 'coordinatorUnregistered':
        this.applyCoordinatorUnregistered(payload.coordinatorUnregistered);
        break;
      case 'coordinatorShardsAssigned':
        this.applyShardsAssigned(payload.coordinatorShardsAssigned);
        break;
      default: {
        const unknown: never = payload;
        fail(`unknown record payload ${JSON.stringify(unknown)}`);
      }
    }
    this.state.version = record.version;
  }

  private applyBrokerRegistered(version: number, record: controller.BrokerRegisteredRecord): void {
    const registration = checkBrokerRegistration(record.registration);
    if (registration.brokerEpoch !== version) fail(`broker epoch ${registration.brokerEpoch} is not the record version ${version}`);
    this.state.brokers.set(registration.nodeId, { registration: controller.BrokerRegistration.fromPartial(registration), state: FENCED });
  }

  private changeBrokerState(record: { nodeId: number; brokerEpoch: number }, to: controller.BrokerState): void {
    const broker = this.currentBroker(record);
    checkBrokerTransition(record.nodeId, broker.state, to);
    this.state.brokers.set(record.nodeId, { registration: broker.registration, state: to });
  }

  private applyBrokerUnregistered(record: controller.BrokerUnregisteredRecord): void {
    const broker = this.currentBroker(record);
    if (broker.state !== FENCED || this.leads(record.nodeId)) fail(`node ${record.nodeId} is unregistered while not fenced or leading`);
    this.state.brokers.delete(record.nodeId);
  }

  private currentBroker(record: { nodeId: number; brokerEpoch: number }): BrokerView {
    const broker = this.state.brokers.get(record.nodeId);
    if (broker === undefined) fail(`storage node ${record.nodeId} is not registered`);
    if (broker.registration.brokerEpoch !== record.brokerEpoch) fail(`storage node ${record.nodeId}: stale broker epoch ${record.brokerEpoch}`);
    return broker;
  }

  private leads(nodeId: number): boolean {
    for (const topic of this.state.topics.values()) if (topic.partitions.some((p) => p.leaderId === nodeId)) return true;
    return false;
  }

  private applyTopicCreated(record: controller.TopicCreatedRecord): void {
    const problem = topicNameProblem(record.name);
    if (problem !== undefined) fail(problem);
    if (this.state.topics.has(record.name)) fail(`topic ${record.name} already exists`);
    if (record.topicId === '' || this.topicById(record.topicId) !== undefined) fail(`topic id "${record.topicId}" is empty or in use`);
    if (record.partitionCount < 1) fail(`topic ${record.name} created with ${record.partitionCount} partitions`);
    if (record.internal !== (coordinatorKindOfTopic(record.name) !== undefined)) fail(`topic ${record.name}: wrong internal flag`);
    const configs = new Map<string, string>();
    for (const entry of record.configs) {
      if (!TOPIC_CONFIG_DEFS.has(entry.name) || entry.value === undefined) fail(`topic ${record.name}: bad config ${entry.name}`);
      configs.set(entry.name, entry.value);
    }
    this.state.topics.set(record.name, { name: record.name, topicId: record.topicId, internal: record.internal, configs, partitions: [] });
  }

  private applyTopicDeleted(record: controller.TopicDeletedRecord): void {
    const topic = this.state.topics.get(record.name);
    if (topic === undefined || topic.topicId !== record.topicId) fail(`deleted topic ${record.name} (${record.topicId}) does not exist`);
    this.state.topics.delete(record.name);
    const kind = coordinatorKindOfTopic(record.name);
    if (kind !== undefined) this.state.shards.set(kind, []);
  }

  private applyPartitionChanged(record: controller.PartitionChangedRecord): void {
    const state = checkPartitionState(record.partition);
    const topicPartition = state.topicPartition ?? fail('unreachable');
    const topic = this.state.topics.get(topicPartition.topic);
    if (topic === undefined || topic.topicId !== state.topicId) fail(`partition of unknown topic ${topicPartition.topic} (${state.topicId})`);
    const index = topicPartition.partition;
    if (index > topic.partitions.length) fail(`partition ${topicPartition.topic}-${index} leaves a gap`);
    checkPartitionTransition(topic.partitions[index], state);
    topic.partitions[index] = controller.PartitionState.fromPartial(state);
  }

  private applyConfigChanged(record: controller.ConfigChangedRecord): void {
    if (record.resourceType !== controller.ConfigResourceType.CONFIG_RESOURCE_TYPE_TOPIC) fail(`bad resource type ${record.resourceType}`);
    const topic = this.state.topics.get(record.resourceName);
    if (topic === undefined) fail(`config change of unknown topic ${record.resourceName}`);
    if (record.configs.some((entry) => !TOPIC_CONFIG_DEFS.has(entry.name))) fail(`unknown config key in change of ${record.resourceName}`);
    const configs = new Map(topic.configs);
    for (const entry of record.configs) {
      if (entry.value === undefined) configs.delete(entry.name);
      else configs.set(entry.name, entry.value);
    }
    topic.configs = configs;
  }

  private applyCoordinatorRegistered(version: number, record: controller.CoordinatorRegisteredRecord): void {
    const registration = checkCoordinatorRegistration(record.registration);
    if (registration.coordinatorEpoch !== version) fail(`coordinator epoch ${registration.coordinatorEpoch} is not the record version ${version}`);
    this.coordinatorsOf(registration.kind).set(registration.instanceId, controller.CoordinatorRegistration.fromPartial(registration));
  }

  private applyCoordinatorUnregistered(record: controller.CoordinatorUnregisteredRecord): void {
    const instances = this.coordinatorsOf(record.kind);
    if (instances.get(record.instanceId)?.coordinatorEpoch !== record.coordinatorEpoch) {
      fail(`coordinator ${record.instanceId} with epoch ${record.coordinatorEpoch} is not registered`);
    }
    instances.delete(record.instanceId);
  }

  private applyShardsAssigned(record: controller.CoordinatorShardsAssignedRecord): void {
    const instances = this.coordinatorsOf(record.kind);
    const shardCount = this.state.topics.get(shardTopicOf(record.kind))?.partitions.length ?? 0;
    const shards = [...(this.state.shards.get(record.kind) ?? [])];
    for (const assignment of record.shards) {
      checkShardAssignment(assignment, this.state.nextProducerId);
      if (assignment.shard >= shardCount || assignment.shard > shards.length) fail(`shard ${assignment.shard} out of range`);
      if (assignment.instanceId !== -1 && !instances.has(assignment.instanceId)) fail(`shard owner ${assignment.instanceId} not registered`);
      checkShardTransition(shards[assignment.shard], assignment);
      shards[assignment.shard] = controller.CoordinatorShardAssignment.fromPartial(assignment);
    }
    this.state.shards.set(record.kind, shards);
  }

  private coordinatorsOf(kind: controller.CoordinatorKind): Map<number, controller.CoordinatorRegistration> {
    if (!isCoordinatorKind(kind)) fail(`bad coordinator kind ${kind}`);
    return this.state.coordinators.get(kind) ?? fail(`no coordinator table for kind ${kind}`);
  }
}
