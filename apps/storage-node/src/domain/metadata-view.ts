/**
 * The Metadata RPC answered from this node's replica of the cluster metadata image: storage
 * nodes, topics with their partitions (leader, replicas, ISR, epochs) and where each coordinator
 * shard is served, so clients route without asking the controller.
 */
import { shardTopicOf, type MetadataImage } from '@samsa/cluster-metadata';
import { controller, ErrorCode, type NodeEndpoint, type storage } from '@samsa/proto';

export function metadataResponse(image: MetadataImage, request: storage.MetadataRequest, controllerEndpoint: NodeEndpoint | undefined): storage.MetadataResponse {
  const nodes = image.activeBrokers().map((broker) => image.brokerEndpoint(broker.registration.nodeId)).filter((endpoint): endpoint is NodeEndpoint => endpoint !== undefined);
  const live = new Set(nodes.map((node) => node.nodeId));
  const names = request.topics.length > 0 ? request.topics : image.topics().map((topic) => topic.name);
  const topics = names.map((name): storage.TopicMetadata => {
    const topic = image.topic(name);
    if (!topic) return { name, topicId: '', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `unknown topic ${name}`, isInternal: false, partitions: [] };
    return {
      name,
      topicId: topic.topicId,
      errorCode: ErrorCode.NONE,
      errorMessage: '',
      isInternal: topic.internal,
      partitions: topic.partitions.map((state) => ({
        partition: state.topicPartition?.partition ?? -1,
        errorCode: state.leaderId < 0 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
        errorMessage: '',
        leaderId: state.leaderId,
        leaderEpoch: state.leaderEpoch,
        partitionEpoch: state.partitionEpoch,
        replicas: state.replicas,
        isr: state.isr,
        offlineReplicas: state.replicas.filter((id) => !live.has(id)),
      })),
    };
  });
  const shardsOf = (kind: controller.CoordinatorKind): storage.CoordinatorShards => {
    const shards = image.shards(kind);
    return {
      topic: shardTopicOf(kind),
      shardCount: shards.length,
      shards: shards.map((shard) => ({ shard: shard.shard, coordinator: shard.instanceId >= 0 ? image.coordinator(kind, shard.instanceId)?.endpoint : undefined })),
    };
  };
  return {
    clusterId: image.clusterId,
    controller: controllerEndpoint,
    storageNodes: nodes,
    topics,
    groupCoordinators: shardsOf(controller.CoordinatorKind.COORDINATOR_KIND_GROUP),
    transactionCoordinators: shardsOf(controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION),
  };
}
