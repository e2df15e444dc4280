/**
 * The mapping from thrown errors to gRPC statuses. Each app builds its single map with
 * {@link createErrorMapper} (in `grpc/error-status.ts`), optionally overriding entries.
 *
 * - A SamsaError becomes the gRPC code that fits its Kafka code, with its one-line message and
 *   trailers carrying the Kafka code and retriability (ERROR_CODE_TRAILER, RETRIABLE_TRAILER).
 * - Anything else is a broken invariant: it is logged with its stack and the client gets
 *   INTERNAL "Unknown server error" with UNKNOWN_SERVER_ERROR — never the details.
 */
import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_TRAILER, RETRIABLE_TRAILER, isSamsaError, type Logger } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

export interface GrpcErrorStatus {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

export type ErrorMapper = (error: unknown, context: { logger: Logger; method: string }) => GrpcErrorStatus;

const S = grpc.status;

/** Kafka code → gRPC status for whole-request failures; codes not listed map to FAILED_PRECONDITION. */
export const DEFAULT_STATUS_BY_CODE: ReadonlyMap<ErrorCode, grpc.status> = new Map<ErrorCode, grpc.status>([
  [ErrorCode.UNKNOWN_SERVER_ERROR, S.INTERNAL],
  [ErrorCode.CORRUPT_MESSAGE, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_RECORD, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_REQUEST, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_CONFIG, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_TOPIC_EXCEPTION, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_PARTITIONS, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_REPLICATION_FACTOR, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_REPLICA_ASSIGNMENT, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_REQUIRED_ACKS, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_GROUP_ID, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_SESSION_TIMEOUT, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_TRANSACTION_TIMEOUT, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_TIMESTAMP, S.INVALID_ARGUMENT],
  [ErrorCode.INVALID_FETCH_SIZE, S.INVALID_ARGUMENT],
  [ErrorCode.MESSAGE_TOO_LARGE, S.INVALID_ARGUMENT],
  [ErrorCode.RECORD_LIST_TOO_LARGE, S.INVALID_ARGUMENT],
  [ErrorCode.OFFSET_METADATA_TOO_LARGE, S.INVALID_ARGUMENT],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, S.NOT_FOUND],
  [ErrorCode.UNKNOWN_TOPIC_ID, S.NOT_FOUND],
  [ErrorCode.GROUP_ID_NOT_FOUND, S.NOT_FOUND],
  [ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, S.NOT_FOUND],
  [ErrorCode.RESOURCE_NOT_FOUND, S.NOT_FOUND],
  [ErrorCode.TOPIC_ALREADY_EXISTS, S.ALREADY_EXISTS],
  [ErrorCode.DUPLICATE_BROKER_REGISTRATION, S.ALREADY_EXISTS],
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED, S.PERMISSION_DENIED],
  [ErrorCode.GROUP_AUTHORIZATION_FAILED, S.PERMISSION_DENIED],
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED, S.PERMISSION_DENIED],
  [ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, S.PERMISSION_DENIED],
  [ErrorCode.NOT_CONTROLLER, S.UNAVAILABLE],
  [ErrorCode.NOT_COORDINATOR, S.UNAVAILABLE],
  [ErrorCode.COORDINATOR_NOT_AVAILABLE, S.UNAVAILABLE],
  [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, S.UNAVAILABLE],
  [ErrorCode.LEADER_NOT_AVAILABLE, S.UNAVAILABLE],
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, S.UNAVAILABLE],
  [ErrorCode.BROKER_NOT_AVAILABLE, S.UNAVAILABLE],
  [ErrorCode.NETWORK_EXCEPTION, S.UNAVAILABLE],
  [ErrorCode.KAFKA_STORAGE_ERROR, S.UNAVAILABLE],
  [ErrorCode.REQUEST_TIMED_OUT, S.DEADLINE_EXCEEDED],
  [ErrorCode.THROTTLING_QUOTA_EXCEEDED, S.RESOURCE_EXHAUSTED],
  [ErrorCode.UNSUPPORTED_VERSION, S.UNIMPLEMENTED],
]);

export interface ErrorMapperOptions {
  /** App-specific entries that replace the defaults. */
  overrides?: ReadonlyArray<readonly [ErrorCode, grpc.status]>;
}

export function createErrorMapper(options: ErrorMapperOptions = {}): ErrorMapper {
  const table = new Map(DEFAULT_STATUS_BY_CODE);
  for (const [code, status] of options.overrides ?? []) table.set(code, status);

  return (error, { logger, method }) => {
    const metadata = new grpc.Metadata();
    if (isSamsaError(error)) {
      metadata.set(ERROR_CODE_TRAILER, String(error.code));
      metadata.set(RETRIABLE_TRAILER, String(error.retriable));
      return { code: table.get(error.code) ?? S.FAILED_PRECONDITION, details: error.message, metadata };
    }
    logger.error({ err: error, method }, 'unexpected error while handling a call');
    metadata.set(ERROR_CODE_TRAILER, String(ErrorCode.UNKNOWN_SERVER_ERROR));
    metadata.set(RETRIABLE_TRAILER, 'false');
    return { code: S.INTERNAL, details: 'Unknown server error', metadata };
  };
}
