/**
 * What every command handler of the controller's domain takes and returns (Kafka's
 * `ControllerResult`): a handler reads the {@link MetadataImage}, decides, and returns the
 * response together with the metadata records that make the decision durable. It never changes
 * the image; the persistence layer appends the records and replays them into the image, and a
 * restarted controller replays the same records, so live behaviour and recovery are one path.
 *
 * Stamping contract. Records come back with only `payload` set. The persistence layer gives the
 * i-th record `version = context.nextVersion + i` (`nextVersion` must be `image.version + 1`, the
 * image being fully replayed), its controller epoch and timestamp, `lastInBatch` on the last one,
 * appends them in one compare-and-set transaction, then calls `image.apply` on each in order, and
 * only then sends the response. A handler that reports an epoch taken from a record's version
 * (broker and coordinator epochs) computes it as `nextVersion + index of that record`. An empty
 * record list means nothing to write.
 *
 * Expected rejections of a whole request (malformed input) throw SamsaError(INVALID_REQUEST);
 * broken invariants throw plain Error.
 */
import { SamsaError } from '@samsa/common';
import { ErrorCode, type controller } from '@samsa/proto';
import type { MetadataImage } from '@samsa/cluster-metadata';
import type { ControllerConfig } from './controller-config.js';

/** Which sessions are alive; kept by the transport's heartbeat timers, not in the metadata log. */
export interface SessionLiveness {
  /** True while the registration with this broker epoch has heartbeated within its session timeout. */
  isBrokerSessionLive(nodeId: number, brokerEpoch: number): boolean;
  /** True while the coordinator registration with this epoch has heartbeated within its session timeout. */
  isCoordinatorSessionLive(kind: controller.CoordinatorKind, instanceId: number, coordinatorEpoch: number): boolean;
}

/** Everything a handler needs besides the image and the request. */
export interface CommandContext {
  /** The version the first returned record will get: the image's version + 1. */
  readonly nextVersion: number;
  /** The rules. */
  readonly config: ControllerConfig;
  /** Generates a random UUID in canonical 36-character form (cluster and topic ids). */
  readonly newUuid: () => string;
  /** Session liveness, for duplicate-registration checks. */
  readonly sessions: SessionLiveness;
}

/** A handler's outcome: the response to send once `records` are durable, and the records. */
export interface ControllerResult<R> {
  readonly response: R;
  readonly records: controller.MetadataRecord[];
}

/** The payload union of a metadata record. */
export type MetadataPayload = NonNullable<controller.MetadataRecord['payload']>;

/** A record with only its payload set, for the persistence layer to stamp. */
export function metadataRecord(payload: MetadataPayload): controller.MetadataRecord {
  return { version: 0, controllerEpoch: 0, timestampMs: 0, lastInBatch: false, payload };
}

/** Throws unless the context's nextVersion follows the image (a handler run on a stale image). */
export function checkContext(image: MetadataImage, context: CommandContext): void {
  if (context.nextVersion !== image.version + 1) {
    throw new Error(`context.nextVersion ${context.nextVersion} does not follow the image version ${image.version}`);
  }
}

/** A malformed request: the transport answers gRPC INVALID_ARGUMENT. */
export function invalidRequest(message: string): SamsaError {
  return new SamsaError(ErrorCode.INVALID_REQUEST, message);
}

/** Broker and coordinator session check results shared by the session RPCs. */
export interface SessionError {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string;
}

export const NO_ERROR: SessionError = Object.freeze({ errorCode: ErrorCode.NONE, errorMessage: '' });

/** Checks that `nodeId` is registered under `brokerEpoch`. */
export function checkBrokerSession(image: MetadataImage, nodeId: number, brokerEpoch: number): SessionError {
  const broker = image.broker(nodeId);
  if (broker === undefined) {
    return { errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, errorMessage: `storage node ${nodeId} is not registered` };
  }
  if (broker.registration.brokerEpoch !== brokerEpoch) {
    return {
      errorCode: ErrorCode.STALE_BROKER_EPOCH,
      errorMessage: `broker epoch ${brokerEpoch} of node ${nodeId} is not the current one (${broker.registration.brokerEpoch})`,
    };
  }
  return NO_ERROR;
}

/** Checks that coordinator `instanceId` of `kind` is registered under `coordinatorEpoch`. */
export function checkCoordinatorSession(
  image: MetadataImage,
  kind: controller.CoordinatorKind,
  instanceId: number,
  coordinatorEpoch: number,
): SessionError {
  const registration = image.coordinator(kind, instanceId);
  if (registration === undefined) {
    return { errorCode: ErrorCode.BROKER_ID_NOT_REGISTERED, errorMessage: `coordinator instance ${instanceId} is not registered` };
  }
  if (registration.coordinatorEpoch !== coordinatorEpoch) {
    return {
      errorCode: ErrorCode.STALE_BROKER_EPOCH,
      errorMessage: `coordinator epoch ${coordinatorEpoch} of instance ${instanceId} is not the current one (${registration.coordinatorEpoch})`,
    };
  }
  return NO_ERROR;
}

/** Every duplicated key of `keys`, for DUPLICATE_RESOURCE answers. */
export function duplicatedKeys(keys: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) duplicated.add(key);
    seen.add(key);
  }
  return duplicated;
}
