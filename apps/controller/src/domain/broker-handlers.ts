/**
 * Storage node sessions: RegisterBroker, BrokerHeartbeat, ControlledShutdown, and fencing a node
 * whose session expired (called by the transport's session timer). State machine in
 * @samsa/cluster-metadata (broker-state.ts); partition consequences in leadership-moves.ts.
 *
 * Invariants kept here:
 * - broker epoch = version of the node's BrokerRegisteredRecord; a retry by the same incarnation
 *   returns the same epoch and writes nothing; a new incarnation gets a new epoch, and replaces
 *   the old registration only once the old session is no longer live (else
 *   DUPLICATE_BROKER_REGISTRATION). Replacing a live (unfenced) registration moves its
 *   leaderships away in the same batch, as fencing would.
 * - a node is unfenced only by a heartbeat that has caught up (current_metadata_version ≥ its
 *   broker epoch) and does not ask to be fenced or to shut down.
 */
import { ErrorCode, controller } from '@samsa/proto';
import type { TopicPartition } from '@samsa/proto';
import type { MetadataImage } from '@samsa/cluster-metadata';
import {
  type CommandContext,
  type ControllerResult,
  checkBrokerSession,
  checkContext,
  invalidRequest,
  metadataRecord,
} from './command.js';
import { partitionChangesOnFence, partitionChangesOnUnfence, planControlledShutdown } from './leadership-moves.js';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE, BROKER_STATE_SHUTTING_DOWN: SHUTTING_DOWN } = controller.BrokerState;
const LISTENER_NAME = /^[a-zA-Z0-9_-]+$/;

function validateRegistration(request: controller.RegisterBrokerRequest): void {
  if (!Number.isInteger(request.nodeId) || request.nodeId < 0) throw invalidRequest(`node_id must be >= 0, got ${request.nodeId}`);
  if (request.incarnationId === '') throw invalidRequest('incarnation_id is required');
  if (request.listeners.length === 0) throw invalidRequest('at least one listener is required');
  const names = new Set<string>();
  for (const listener of request.listeners) {
    if (!LISTENER_NAME.test(listener.name) || names.has(listener.name)) throw invalidRequest(`listener name "${listener.name}" is invalid or repeated`);
    if (listener.host === '' || listener.port < 1 || listener.port > 65_535) throw invalidRequest(`listener ${listener.name} has a bad address`);
    names.add(listener.name);
  }
}

export function registerBroker(
  image: MetadataImage,
  request: controller.RegisterBrokerRequest,
  context: CommandContext,
): ControllerResult<controller.RegisterBrokerResponse> {
  checkContext(image, context);
  validateRegistration(request);
  if (image.clusterId === '') throw new Error('the metadata log has no cluster yet');
  const base = {
    clusterId: image.clusterId,
    heartbeatIntervalMs: context.config.brokerHeartbeatIntervalMs,
    sessionTimeoutMs: context.config.brokerSessionTimeoutMs,
  };
  const reject = (errorCode: ErrorCode, errorMessage: string): ControllerResult<controller.RegisterBrokerResponse> => ({
    response: { ...base, errorCode, errorMessage, brokerEpoch: -1 },
    records: [],
  });
  if (request.clusterId !== '' && request.clusterId !== image.clusterId) {
    return reject(ErrorCode.INCONSISTENT_CLUSTER_ID, `node belongs to cluster ${request.clusterId}, this is ${image.clusterId}`);
  }
  const existing = image.broker(request.nodeId);
  if (existing !== undefined) {
    const { incarnationId, brokerEpoch } = existing.registration;
    if (incarnationId === request.incarnationId) {
      return { response: { ...base, errorCode: ErrorCode.NONE, errorMessage: '', brokerEpoch }, records: [] };
    }
    if (context.sessions.isBrokerSessionLive(request.nodeId, brokerEpoch)) {
      return reject(
        ErrorCode.DUPLICATE_BROKER_REGISTRATION,
        `node ${request.nodeId} is registered by another live process (incarnation ${incarnationId}); retry after the session timeout`,
      );
    }
  }
  const brokerEpoch = context.nextVersion;
  const registration: controller.BrokerRegistration = {
    nodeId: request.nodeId,
    incarnationId: request.incarnationId,
    brokerEpoch,
    rack: request.rack,
    listeners: request.listeners.map((listener) => ({ ...listener })),
    logDirs: [...request.logDirs],
  };
  const records = [metadataRecord({ $case: 'brokerRegistered', brokerRegistered: { registration } })];
  if (existing !== undefined && existing.state !== FENCED) records.push(...partitionChangesOnFence(image, request.nodeId).records);
  return { response: { ...base, errorCode: ErrorCode.NONE, errorMessage: '', brokerEpoch }, records };
}

export function brokerHeartbeat(
  image: MetadataImage,
  request: controller.BrokerHeartbeatRequest,
  context: CommandContext,
): ControllerResult<controller.BrokerHeartbeatResponse> {
  checkContext(image, context);
  const session = checkBrokerSession(image, request.nodeId, request.brokerEpoch);
  const broker = image.broker(request.nodeId);
  if (session.errorCode !== ErrorCode.NONE || broker === undefined) {
    const response = { ...session, isCaughtUp: false, isFenced: true, shouldShutdown: false, metadataVersion: image.version };
    return { response, records: [] };
  }
  const { nodeId, brokerEpoch } = broker.registration;
  const isCaughtUp = request.currentMetadataVersion >= brokerEpoch;
  const records: controller.MetadataRecord[] = [];
  let state = broker.state;
  let shouldShutdown = false;
  if (request.wantFence && state !== FENCED) {
    records.push(...fenceBroker(image, nodeId, controller.BrokerFenceReason.BROKER_FENCE_REASON_REQUESTED).records);
    state = FENCED;
  } else if (state === FENCED && isCaughtUp && !request.wantFence && !request.wantShutdown) {
    records.push(metadataRecord({ $case: 'brokerUnfenced', brokerUnfenced: { nodeId, brokerEpoch } }));
    records.push(...partitionChangesOnUnfence(image, nodeId));
    state = ACTIVE;
  } else if (state === SHUTTING_DOWN || (state === ACTIVE && request.wantShutdown)) {
    const step = controlledShutdownStep(image, broker.state, nodeId, brokerEpoch, context);
    records.push(...step.records);
    state = SHUTTING_DOWN;
    shouldShutdown = step.remaining.length === 0;
  }
  if (state === FENCED) shouldShutdown = request.wantShutdown;
  const response = {
    errorCode: ErrorCode.NONE,
    errorMessage: '',
    isCaughtUp,
    isFenced: state === FENCED,
    shouldShutdown,
    metadataVersion: image.version + records.length,
  };
  return { response, records };
}

function controlledShutdownStep(
  image: MetadataImage,
  state: controller.BrokerState,
  nodeId: number,
  brokerEpoch: number,
  context: CommandContext,
): { records: controller.MetadataRecord[]; remaining: TopicPartition[]; unmovable: TopicPartition[] } {
  const plan = planControlledShutdown(image, nodeId, context.config.maxPartitionChangesPerBatch);
  const records =
    state === ACTIVE ? [metadataRecord({ $case: 'brokerControlledShutdown', brokerControlledShutdown: { nodeId, brokerEpoch } })] : [];
  return { records: [...records, ...plan.records], remaining: plan.remaining, unmovable: plan.unmovable };
}

export function controlledShutdown(
  image: MetadataImage,
  request: controller.ControlledShutdownRequest,
  context: CommandContext,
): ControllerResult<controller.ControlledShutdownResponse> {
  checkContext(image, context);
  const session = checkBrokerSession(image, request.nodeId, request.brokerEpoch);
  const broker = image.broker(request.nodeId);
  if (session.errorCode !== ErrorCode.NONE || broker === undefined || broker.state === FENCED) {
    // A fenced node leads nothing: it may stop at once.
    return { response: { ...session, remainingPartitions: [], unmovablePartitions: [] }, records: [] };
  }
  const step = controlledShutdownStep(image, broker.state, request.nodeId, request.brokerEpoch, context);
  const response = { ...session, remainingPartitions: step.remaining, unmovablePartitions: step.unmovable };
  return { response, records: step.records };
}

/** What fencing did: nothing when the node is unknown, already fenced, or re-registered since. */
export interface FenceBrokerOutcome {
  readonly fenced: boolean;
  /** Partitions left without a leader (no eligible ISR member, unclean election not allowed). */
  readonly offlinePartitions: TopicPartition[];
}

/**
 * Fences `nodeId` (session expired, or asked): a BrokerFencedRecord and the partition changes
 * that move its leaderships and remove it from ISRs. With `brokerEpoch`, only that registration is
 * fenced, so a timer that raced a re-registration fences nothing.
 */
export function fenceBroker(
  image: MetadataImage,
  nodeId: number,
  reason: controller.BrokerFenceReason,
  brokerEpoch?: number,
): ControllerResult<FenceBrokerOutcome> {
  const broker = image.broker(nodeId);
  const epoch = broker?.registration.brokerEpoch;
  if (broker === undefined || broker.state === FENCED || (brokerEpoch !== undefined && brokerEpoch !== epoch)) {
    return { response: { fenced: false, offlinePartitions: [] }, records: [] };
  }
  const changes = partitionChangesOnFence(image, nodeId);
  const fenced = metadataRecord({ $case: 'brokerFenced', brokerFenced: { nodeId, brokerEpoch: broker.registration.brokerEpoch, reason } });
  return { response: { fenced: true, offlinePartitions: changes.offline }, records: [fenced, ...changes.records] };
}
