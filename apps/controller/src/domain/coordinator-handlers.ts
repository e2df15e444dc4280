/**
 * Coordinator instance sessions: RegisterCoordinator, CoordinatorHeartbeat, and expiring an
 * instance whose session lapsed (called by the transport's session timer).
 *
 * Invariants kept here:
 * - coordinator epoch = version of the instance's CoordinatorRegisteredRecord; a retry by the same
 *   incarnation (also with instance_id -1) returns the same id and epoch and writes nothing.
 * - instance_id -1 claims the lowest id not registered for the kind.
 * - a new incarnation replaces an old one only once the old session is no longer live; the batch
 *   unregisters the old one (REPLACED), registers the new one and renews its shards (new shard
 *   epochs, so the old process's writes are fenced even though the instance id is the same).
 * - membership changes rebalance the kind's shards in the same batch (shard-assignment.ts), once
 *   the kind's internal topic exists; a departing instance's shards move before it is removed.
 * - want_shutdown moves the instance's shards away and unregisters it (SHUTDOWN) at once, so
 *   should_shutdown is true in the same response.
 */
import { ErrorCode, controller } from '@samsa/proto';
import { type MetadataImage, isCoordinatorKind, shardTopicOf } from '@samsa/cluster-metadata';
import {
  type CommandContext,
  type ControllerResult,
  checkContext,
  checkCoordinatorSession,
  invalidRequest,
  metadataRecord,
} from './command.js';
import { assignShards } from './shard-assignment.js';

/** Shards of `kind` = partitions of its internal topic; 0 before the topic exists. */
export function shardCountOf(image: MetadataImage, kind: controller.CoordinatorKind): number {
  return image.topic(shardTopicOf(kind))?.partitions.length ?? 0;
}

function lowestFreeId(image: MetadataImage, kind: controller.CoordinatorKind): number {
  const taken = new Set(image.coordinators(kind).map((registration) => registration.instanceId));
  let id = 0;
  while (taken.has(id)) id++;
  return id;
}

export function registerCoordinator(
  image: MetadataImage,
  request: controller.RegisterCoordinatorRequest,
  context: CommandContext,
): ControllerResult<controller.RegisterCoordinatorResponse> {
  checkContext(image, context);
  const { kind } = request;
  if (!isCoordinatorKind(kind)) throw invalidRequest(`unknown coordinator kind ${kind}`);
  if (!Number.isInteger(request.instanceId) || request.instanceId < -1) throw invalidRequest(`instance_id must be >= -1, got ${request.instanceId}`);
  if (request.incarnationId === '') throw invalidRequest('incarnation_id is required');
  const endpoint = request.endpoint;
  if (endpoint === undefined || endpoint.host === '' || endpoint.port < 1 || endpoint.port > 65_535) throw invalidRequest('a reachable endpoint is required');
  const shardCount = shardCountOf(image, kind);
  const base = {
    heartbeatIntervalMs: context.config.coordinatorHeartbeatIntervalMs,
    sessionTimeoutMs: context.config.coordinatorSessionTimeoutMs,
    shardTopic: shardTopicOf(kind),
    shardCount,
  };
  const retry = image.coordinators(kind).find((registration) => registration.incarnationId === request.incarnationId);
  if (retry !== undefined && (request.instanceId === -1 || request.instanceId === retry.instanceId)) {
    const response = { ...base, errorCode: ErrorCode.NONE, errorMessage: '', instanceId: retry.instanceId, coordinatorEpoch: retry.coordinatorEpoch };
    return { response, records: [] };
  }
  const instanceId = request.instanceId === -1 ? lowestFreeId(image, kind) : request.instanceId;
  const existing = image.coordinator(kind, instanceId);
  if (existing !== undefined && context.sessions.isCoordinatorSessionLive(kind, instanceId, existing.coordinatorEpoch)) {
    const errorMessage = `instance ${instanceId} is registered by another live process; retry after the session timeout or register with -1`;
    return { response: { ...base, errorCode: ErrorCode.DUPLICATE_BROKER_REGISTRATION, errorMessage, instanceId: -1, coordinatorEpoch: -1 }, records: [] };
  }
  const records: controller.MetadataRecord[] = [];
  if (existing !== undefined) {
    const reason = controller.CoordinatorUnregisterReason.COORDINATOR_UNREGISTER_REASON_REPLACED;
    records.push(metadataRecord({ $case: 'coordinatorUnregistered', coordinatorUnregistered: { kind, instanceId, coordinatorEpoch: existing.coordinatorEpoch, reason } }));
  }
  const coordinatorEpoch = context.nextVersion + records.length;
  const registration = { kind, instanceId, incarnationId: request.incarnationId, coordinatorEpoch, endpoint: { ...endpoint, nodeId: instanceId } };
  records.push(metadataRecord({ $case: 'coordinatorRegistered', coordinatorRegistered: { registration } }));
  if (shardCount > 0) {
    const others = image.coordinators(kind).map((other) => other.instanceId).filter((id) => id !== instanceId);
    const renewedInstances = existing === undefined ? [] : [instanceId];
    records.push(...assignShards(image, kind, shardCount, { liveInstances: [...others, instanceId], renewedInstances }).records);
  }
  return { response: { ...base, errorCode: ErrorCode.NONE, errorMessage: '', instanceId, coordinatorEpoch }, records };
}

export function coordinatorHeartbeat(
  image: MetadataImage,
  request: controller.CoordinatorHeartbeatRequest,
  context: CommandContext,
): ControllerResult<controller.CoordinatorHeartbeatResponse> {
  checkContext(image, context);
  if (!isCoordinatorKind(request.kind)) throw invalidRequest(`unknown coordinator kind ${request.kind}`);
  const session = checkCoordinatorSession(image, request.kind, request.instanceId, request.coordinatorEpoch);
  if (session.errorCode !== ErrorCode.NONE) {
    // An unknown or replaced instance owns nothing: one that wants to stop may.
    return { response: { ...session, shards: [], shouldShutdown: request.wantShutdown, metadataVersion: image.version }, records: [] };
  }
  if (request.wantShutdown) {
    const reason = controller.CoordinatorUnregisterReason.COORDINATOR_UNREGISTER_REASON_SHUTDOWN;
    const { records } = expireCoordinator(image, request.kind, request.instanceId, request.coordinatorEpoch, reason);
    return { response: { ...session, shards: [], shouldShutdown: true, metadataVersion: image.version + records.length }, records };
  }
  const shards = image
    .shards(request.kind)
    .filter((shard) => shard.instanceId === request.instanceId)
    .map((shard) => controller.CoordinatorShardAssignment.fromPartial(shard));
  return { response: { ...session, shards, shouldShutdown: false, metadataVersion: image.version }, records: [] };
}

/**
 * Removes a coordinator instance (session expired by default): its shards move to the other
 * instances (or to -1) first, then a CoordinatorUnregisteredRecord. With `coordinatorEpoch`, only
 * that registration is removed, so a timer that raced a re-registration removes nothing.
 */
export function expireCoordinator(
  image: MetadataImage,
  kind: controller.CoordinatorKind,
  instanceId: number,
  coordinatorEpoch?: number,
  reason: controller.CoordinatorUnregisterReason = controller.CoordinatorUnregisterReason.COORDINATOR_UNREGISTER_REASON_SESSION_EXPIRED,
): ControllerResult<{ expired: boolean }> {
  if (!isCoordinatorKind(kind)) throw new Error(`unknown coordinator kind ${kind}`);
  const registration = image.coordinator(kind, instanceId);
  if (registration === undefined || (coordinatorEpoch !== undefined && coordinatorEpoch !== registration.coordinatorEpoch)) {
    return { response: { expired: false }, records: [] };
  }
  const shardCount = shardCountOf(image, kind);
  const others = image.coordinators(kind).map((other) => other.instanceId).filter((id) => id !== instanceId);
  const records = shardCount > 0 ? assignShards(image, kind, shardCount, { liveInstances: others }).records : [];
  const unregistered = { kind, instanceId, coordinatorEpoch: registration.coordinatorEpoch, reason };
  records.push(metadataRecord({ $case: 'coordinatorUnregistered', coordinatorUnregistered: unregistered }));
  return { response: { expired: true }, records };
}
