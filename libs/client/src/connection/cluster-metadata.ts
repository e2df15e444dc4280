/**
 * The client's view of the cluster, built from one StorageService.Metadata answer: storage nodes,
 * topics with each partition's leader and epoch, the controller and the coordinators. Immutable;
 * the Connection swaps in a new one on every refresh and patches leaders from error hints.
 */
import type { NodeEndpoint, storage } from '@samsa/proto';

export interface NodeInfo {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string;
  /** `host:port` */
  readonly address: string;
}

export interface PartitionInfo {
  readonly topic: string;
  readonly partition: number;
  /** -1 when the partition has no leader right now. */
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicInfo {
  readonly name: string;
  readonly topicId: string;
  readonly isInternal: boolean;
  readonly partitions: readonly PartitionInfo[];
}

export interface ClusterView {
  readonly clusterId: string;
  readonly nodes: ReadonlyMap<number, NodeInfo>;
  readonly topics: ReadonlyMap<string, TopicInfo>;
  readonly controller: NodeInfo | undefined;
  /** Distinct transaction-coordinator instances that own at least one shard. */
  readonly transactionCoordinators: readonly NodeInfo[];
  /** Distinct group-coordinator instances that own at least one shard. */
  readonly groupCoordinators: readonly NodeInfo[];
}

export function nodeInfo(endpoint: NodeEndpoint): NodeInfo {
  return { nodeId: endpoint.nodeId, host: endpoint.host, port: endpoint.port, rack: endpoint.rack, address: `${endpoint.host}:${endpoint.port}` };
}

function coordinators(shards: storage.CoordinatorShards | undefined): NodeInfo[] {
  const byAddress = new Map<string, NodeInfo>();
  for (const shard of shards?.shards ?? []) if (shard.coordinator && shard.coordinator.port > 0) byAddress.set(`${shard.coordinator.host}:${shard.coordinator.port}`, nodeInfo(shard.coordinator));
  return [...byAddress.values()];
}

export function clusterViewOf(response: storage.MetadataResponse): ClusterView {
  const topics = new Map<string, TopicInfo>();
  for (const topic of response.topics) {
    if (topic.errorCode !== 0) continue;
    const partitions = topic.partitions
      .map((p): PartitionInfo => ({ topic: topic.name, partition: p.partition, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas }))
      .sort((a, b) => a.partition - b.partition);
    topics.set(topic.name, { name: topic.name, topicId: topic.topicId, isInternal: topic.isInternal, partitions });
  }
  return {
    clusterId: response.clusterId,
    nodes: new Map(response.storageNodes.map((endpoint) => [endpoint.nodeId, nodeInfo(endpoint)])),
    topics,
    controller: response.controller && response.controller.port > 0 ? nodeInfo(response.controller) : undefined,
    transactionCoordinators: coordinators(response.transactionCoordinators),
    groupCoordinators: coordinators(response.groupCoordinators),
  };
}

/** `view` with one partition's leader replaced (a NOT_LEADER_OR_FOLLOWER hint), or `view` when the hint is not newer. */
export function withLeader(view: ClusterView, topic: string, partition: number, hint: storage.LeaderHint): ClusterView {
  const info = view.topics.get(topic);
  const current = info?.partitions[partition];
  if (!info || !current || hint.leaderId < 0 || hint.leaderEpoch < current.leaderEpoch) return view;
  const nodes = new Map(view.nodes);
  if (hint.leaderEndpoint && hint.leaderEndpoint.port > 0 && !nodes.has(hint.leaderId)) nodes.set(hint.leaderId, nodeInfo({ ...hint.leaderEndpoint, nodeId: hint.leaderId }));
  if (!nodes.has(hint.leaderId)) return view;
  const partitions = info.partitions.slice();
  partitions[partition] = { ...current, leaderId: hint.leaderId, leaderEpoch: hint.leaderEpoch };
  const topics = new Map(view.topics);
  topics.set(topic, { ...info, partitions });
  return { ...view, nodes, topics };
}
