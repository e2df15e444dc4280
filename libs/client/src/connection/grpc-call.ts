/**
 * One gRPC call as a promise with a deadline, and the mapping of a failed call to a SamsaError:
 * the Kafka code from the `samsa-error-code` trailer when the server sent one, otherwise a code
 * that fits the gRPC status (UNAVAILABLE → NETWORK_EXCEPTION, DEADLINE_EXCEEDED →
 * REQUEST_TIMED_OUT, ...), so every failure a caller sees carries a Kafka error code.
 */
import * as grpc from '@grpc/grpc-js';
import { ERROR_CODE_TRAILER, isSamsaError, RETRIABLE_TRAILER, SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

type UnaryMethod<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall;

const STATUS_CODES: Partial<Record<grpc.status, ErrorCode>> = {
  [grpc.status.UNAVAILABLE]: ErrorCode.NETWORK_EXCEPTION,
  [grpc.status.DEADLINE_EXCEEDED]: ErrorCode.REQUEST_TIMED_OUT,
  [grpc.status.CANCELLED]: ErrorCode.NETWORK_EXCEPTION,
  [grpc.status.INVALID_ARGUMENT]: ErrorCode.INVALID_REQUEST,
  [grpc.status.RESOURCE_EXHAUSTED]: ErrorCode.MESSAGE_TOO_LARGE,
  [grpc.status.UNIMPLEMENTED]: ErrorCode.UNSUPPORTED_VERSION,
  [grpc.status.FAILED_PRECONDITION]: ErrorCode.INVALID_REQUEST,
};

/** The SamsaError a failed call stands for (passes SamsaErrors through). */
export function toSamsaError(error: unknown): SamsaError {
  if (isSamsaError(error)) return error;
  const serviceError = error as Partial<grpc.ServiceError>;
  if (typeof serviceError.code !== 'number') return new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, String((error as Error)?.message ?? error), { cause: error });
  const trailer = serviceError.metadata?.get(ERROR_CODE_TRAILER)[0];
  const retriable = serviceError.metadata?.get(RETRIABLE_TRAILER)[0];
  const code = trailer !== undefined ? (Number(trailer) as ErrorCode) : (STATUS_CODES[serviceError.code as grpc.status] ?? ErrorCode.UNKNOWN_SERVER_ERROR);
  const message = serviceError.details || serviceError.message || grpc.status[serviceError.code];
  const options = retriable === undefined ? { cause: error } : { cause: error, retriable: String(retriable) === 'true' };
  // A transport failure is always worth another try, whatever the status maps to.
  if (trailer === undefined && (serviceError.code === grpc.status.UNAVAILABLE || serviceError.code === grpc.status.DEADLINE_EXCEEDED)) return new SamsaError(code, message, { cause: error, retriable: true });
  return new SamsaError(code, message, options);
}

/** Calls `method` on `client` with a deadline `timeoutMs` from now; failures become SamsaErrors. */
export function unary<Req, Res>(client: grpc.Client, method: UnaryMethod<Req, Res>, request: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(toSamsaError(error)) : resolve(response)));
  });
}
