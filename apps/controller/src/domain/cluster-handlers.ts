/**
 * Cluster-wide handlers: creating the cluster (the first record of every metadata log),
 * DescribeCluster (a query) and AllocateProducerIds.
 *
 * Producer ids: the image's nextProducerId is a high-water mark; every id below it has been handed
 * out, to a client block or as a coordinator shard's writer id (shard-assignment.ts), and the
 * record that hands ids out carries the new mark. Since replay only lets the mark grow, no id is
 * ever handed out twice, across restarts and snapshots included.
 */
import { ErrorCode, type NodeEndpoint, controller } from '@samsa/proto';
import { type MetadataImage, isCoordinatorKind } from '@samsa/cluster-metadata';
import {
  type CommandContext,
  type ControllerResult,
  type SessionError,
  checkBrokerSession,
  checkContext,
  checkCoordinatorSession,
  invalidRequest,
  metadataRecord,
} from './command.js';

/** The ClusterCreatedRecord of a new metadata log (nothing when the cluster exists). */
export function createCluster(image: MetadataImage, context: CommandContext): ControllerResult<{ clusterId: string }> {
  checkContext(image, context);
  if (image.version > 0) return { response: { clusterId: image.clusterId }, records: [] };
  const clusterId = context.newUuid();
  if (clusterId === '') throw new Error('the UUID generator returned an empty id');
  return { response: { clusterId }, records: [metadataRecord({ $case: 'clusterCreated', clusterCreated: { clusterId } })] };
}

/**
 * DescribeCluster. The controller's own identity is not metadata, so the caller supplies it.
 * Nodes without the requested listener are left out; empty name = each node's first listener.
 */
export function describeCluster(
  image: MetadataImage,
  request: controller.DescribeClusterRequest,
  controllerEndpoint: NodeEndpoint,
): controller.DescribeClusterResponse {
  const nodes: NodeEndpoint[] = [];
  const fencedNodeIds: number[] = [];
  for (const broker of image.brokers()) {
    const { registration } = broker;
    const listener =
      request.listenerName === '' ? registration.listeners[0] : registration.listeners.find((candidate) => candidate.name === request.listenerName);
    if (listener === undefined) continue;
    nodes.push({ nodeId: registration.nodeId, host: listener.host, port: listener.port, rack: registration.rack });
    if (broker.state === controller.BrokerState.BROKER_STATE_FENCED) fencedNodeIds.push(registration.nodeId);
  }
  return {
    clusterId: image.clusterId,
    controllerId: controllerEndpoint.nodeId,
    controllerEndpoint: { ...controllerEndpoint },
    nodes,
    fencedNodeIds,
    metadataVersion: image.version,
  };
}

function checkRequester(image: MetadataImage, requester: controller.AllocateProducerIdsRequest['requester']): SessionError {
  switch (requester?.$case) {
    case 'broker':
      return checkBrokerSession(image, requester.broker.nodeId, requester.broker.brokerEpoch);
    case 'coordinator': {
      const { kind, instanceId, coordinatorEpoch } = requester.coordinator;
      if (!isCoordinatorKind(kind)) throw invalidRequest(`unknown coordinator kind ${kind}`);
      return checkCoordinatorSession(image, kind, instanceId, coordinatorEpoch);
    }
    default:
      throw invalidRequest('requester is required');
  }
}

/** The ProducerIdsAllocatedRecord handing out `count` ids from the image's mark. */
export function producerIdsAllocatedRecord(nextProducerId: number): controller.MetadataRecord {
  if (!Number.isSafeInteger(nextProducerId)) throw new Error('producer ids exhausted');
  return metadataRecord({ $case: 'producerIdsAllocated', producerIdsAllocated: { nextProducerId } });
}

export function allocateProducerIds(
  image: MetadataImage,
  request: controller.AllocateProducerIdsRequest,
  context: CommandContext,
): ControllerResult<controller.AllocateProducerIdsResponse> {
  checkContext(image, context);
  const session = checkRequester(image, request.requester);
  if (session.errorCode !== ErrorCode.NONE) return { response: { ...session, firstProducerId: -1, count: 0 }, records: [] };
  const firstProducerId = image.nextProducerId;
  const count = context.config.producerIdBlockSize;
  return {
    response: { errorCode: ErrorCode.NONE, errorMessage: '', firstProducerId, count },
    records: [producerIdsAllocatedRecord(firstProducerId + count)],
  };
}
