/** Typed unary calls on any grpc-js client, for tests: the response, or the grpc.ServiceError as the rejection. */
import * as grpc from '@grpc/grpc-js';

type UnaryTypes<F> = F extends (request: infer Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: infer Res) => void) => grpc.ClientUnaryCall
  ? { request: Req; response: Res }
  : never;

/** Calls `client[method]` with a deadline `timeoutMs` from now. */
export function call<C extends grpc.Client, K extends keyof C>(client: C, method: K, request: UnaryTypes<C[K]>['request'], timeoutMs = 20_000): Promise<UnaryTypes<C[K]>['response']> {
  return new Promise((resolve, reject) => {
    const invoke = client[method] as unknown as (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;
    invoke.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response as UnaryTypes<C[K]>['response'])));
  });
}
