/**
 * Helpers for transaction-coordinator cluster tests: typed unary calls on any grpc-js client (the
 * gRPC error comes back as the rejection), and a bounded poll for states that arrive through the
 * controller's metadata (no event the test can subscribe to on the coordinator itself).
 */
import * as grpc from '@grpc/grpc-js';

import { call } from '@samsa/testing';

export { call };

/** The rejection of `promise` as a gRPC error; throws if it resolves. */
export async function grpcError(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as grpc.ServiceError,
  );
  if (!outcome) throw new Error('expected the call to fail');
  return outcome;
}

/**
 * Polls `probe` every `intervalMs` until it returns a value (not undefined), and returns it;
 * throws naming `what` after `timeoutMs`. A probe that throws counts as "not yet".
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
