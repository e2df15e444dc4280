/**
 * describeCluster and electLeaders, answered by the controller. An election that is not needed
 * (ELECTION_NOT_NEEDED: the preferred replica already leads, or the partition has a leader) is a
 * success with `elected: false`, so asking twice is harmless; other per-partition errors fail the
 * call with an AdminBatchError.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, controller } from '@samsa/proto';
import { nodeInfo } from '../connection/cluster-metadata.js';
import { unary } from '../connection/grpc-call.js';
import type { AdminContext } from './admin-context.js';
import { itemError, valuesOrThrow, type Outcome } from './admin-errors.js';
import type { AdminCallOptions, ClusterDescription, ElectedLeader, ElectLeadersRequest } from './admin-types.js';
import { partitionLabel } from './leader-router.js';
import { checkPartitionItems } from './offsets.js';

export async function describeCluster(context: AdminContext, input: AdminCallOptions | undefined): Promise<ClusterDescription> {
  const options = context.options('describeCluster', {}, input);
  const response = await context.controller(
    (client, timeoutMs) => unary(client, client.describeCluster, controller.DescribeClusterRequest.fromPartial({}), timeoutMs),
    context.deadline(options.timeoutMs),
  );
  const fenced = new Set(response.fencedNodeIds);
  const endpoint = response.controllerEndpoint ?? { nodeId: response.controllerId, host: '', port: 0, rack: '' };
  return {
    clusterId: response.clusterId,
    controller: nodeInfo({ ...endpoint, nodeId: response.controllerId }),
    nodes: response.nodes.map((node) => ({ ...nodeInfo(node), fenced: fenced.has(node.nodeId) })),
  };
}

const ELECTION_TYPES = { preferred: controller.ElectionType.ELECTION_TYPE_PREFERRED, unclean: controller.ElectionType.ELECTION_TYPE_UNCLEAN } as const;

export async function electLeaders(context: AdminContext, request: ElectLeadersRequest, input: AdminCallOptions | undefined): Promise<ElectedLeader[]> {
  const options = context.options('electLeaders', {}, input);
  const deadlineMs = context.deadline(options.timeoutMs);
  const electionType = ELECTION_TYPES[request?.type];
  if (electionType === undefined) throw new SamsaError(ErrorCode.INVALID_REQUEST, `electLeaders: type must be 'preferred' or 'unclean' (got ${JSON.stringify(request?.type)})`);
  const partitions = (request.partitions ?? []).map((item) => ({ topic: item.topic, partition: item.partition }));
  checkPartitionItems('electLeaders', partitions);
  const response = await context.controller(
    (client, timeoutMs) =>
      unary(client, client.electLeaders, controller.ElectLeadersRequest.fromPartial({ electionType, partitions, timeoutMs: context.serverTimeoutMs(timeoutMs) }), timeoutMs),
    deadlineMs,
  );
  context.connection.invalidate();
  const keys = response.results.map((result) => ({ topic: result.topicPartition?.topic ?? '', partition: result.topicPartition?.partition ?? -1 }));
  const outcomes = response.results.map((result, index): Outcome<ElectedLeader> => {
    const key = keys[index] as { topic: string; partition: number };
    if (result.errorCode === ErrorCode.NONE || result.errorCode === ErrorCode.ELECTION_NOT_NEEDED) {
      return { ok: true, value: { ...key, elected: result.errorCode === ErrorCode.NONE } };
    }
    return { ok: false, error: itemError(partitionLabel(key), result.errorCode, result.errorMessage) };
  });
  return valuesOrThrow('electLeaders', keys, outcomes, partitionLabel);
}
