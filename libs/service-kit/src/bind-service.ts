/**
 * bindService adapts a service written as async functions to grpc-js's callback handlers:
 * handlers return promises (or throw), and every failure goes through the app's one
 * {@link ErrorMapper}. Methods the implementation leaves out answer UNIMPLEMENTED — the honest
 * state of a contract whose issue has not landed.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@samsa/common';
import type { ErrorMapper } from './error-status.js';

/** What every handler gets besides its request. */
export interface CallContext {
  /** Request metadata sent by the client. */
  metadata: grpc.Metadata;
  /** Aborted when the client cancels or the deadline passes. */
  signal: AbortSignal;
  /** The call's deadline as set by the client (Infinity when none). */
  deadline: grpc.Deadline;
}

type Method = grpc.MethodDefinition<unknown, unknown> & { requestStream: boolean; responseStream: boolean };
type Req<M> = M extends { requestDeserialize: (bytes: Buffer) => infer R } ? R : never;
type Res<M> = M extends { responseDeserialize: (bytes: Buffer) => infer R } ? R : never;

export type AsyncHandler<M> = M extends { requestStream: false; responseStream: false }
  ? (request: Req<M>, context: CallContext) => Promise<Res<M>>
  : M extends { requestStream: false; responseStream: true }
    ? (request: Req<M>, call: grpc.ServerWritableStream<Req<M>, Res<M>>, context: CallContext) => Promise<void>
    : M extends { requestStream: true; responseStream: false }
      ? (call: grpc.ServerReadableStream<Req<M>, Res<M>>, context: CallContext) => Promise<Res<M>>
      : (call: grpc.ServerDuplexStream<Req<M>, Res<M>>, context: CallContext) => Promise<void>;

/** A service implementation as async functions; any method may be missing (UNIMPLEMENTED). */
export type AsyncServiceImplementation<D> = { [K in keyof D]?: AsyncHandler<D[K]> };

export interface ServiceBinding {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
  /** Fully qualified service name, e.g. `samsa.storage.v1.StorageService`. */
  name: string;
}

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> & { on(event: 'cancelled', listener: () => void): unknown };

function contextOf(call: AnyCall): CallContext {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort());
  return { metadata: call.metadata, signal: controller.signal, deadline: call.getDeadline() };
}

/** The fully qualified service name of a definition, read from its first method's path. */
export function serviceNameOf(definition: grpc.ServiceDefinition): string {
  const first = Object.values(definition)[0] as Method | undefined;
  if (!first) throw new Error('a service definition without methods cannot be bound');
  return first.path.split('/')[1] as string;
}

export function bindService<D extends grpc.ServiceDefinition>(
  definition: D,
  implementation: AsyncServiceImplementation<D>,
  mapError: ErrorMapper,
  logger: Logger,
): ServiceBinding {
  const handlers: grpc.UntypedServiceImplementation = {};
  const name = serviceNameOf(definition);
  for (const [key, method] of Object.entries(definition) as Array<[string, Method]>) {
    const handler = (implementation as Record<string, ((...args: never[]) => Promise<unknown>) | undefined>)[key];
    const fail = (error: unknown) => mapError(error, { logger, method: method.path });
    if (!handler) {
      handlers[key] = unimplemented(method);
    } else if (!method.requestStream && !method.responseStream) {
      handlers[key] = (call: AnyCall, callback: grpc.sendUnaryData<unknown>) => {
        run(() => handler(call.request as never, contextOf(call) as never)).then(
          (response) => callback(null, response),
          (error: unknown) => callback(fail(error)),
        );
      };
    } else if (!method.requestStream) {
      handlers[key] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
        run(() => handler(call.request as never, call as never, contextOf(call as never) as never)).then(
          () => call.end(),
          (error: unknown) => call.emit('error', fail(error)),
        );
      };
    } else if (!method.responseStream) {
      handlers[key] = (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        run(() => handler(call as never, contextOf(call as never) as never)).then(
          (response) => callback(null, response),
          (error: unknown) => callback(fail(error)),
        );
      };
    } else {
      handlers[key] = (call: grpc.ServerDuplexStream<unknown, unknown>) => {
        run(() => handler(call as never, contextOf(call as never) as never)).then(
          () => call.end(),
          (error: unknown) => call.emit('error', fail(error)),
        );
      };
    }
  }
  return { definition, implementation: handlers, name };
}

/** Calls `fn`, turning a synchronous throw into a rejected promise. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  return fn();
}

function unimplemented(method: Method): grpc.UntypedHandleCall {
  const status = { code: grpc.status.UNIMPLEMENTED, details: `${method.path.slice(1)} is not implemented yet` };
  if (!method.responseStream) {
    return (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback(status);
  }
  return (call: grpc.ServerWritableStream<unknown, unknown>) => call.emit('error', status);
}
