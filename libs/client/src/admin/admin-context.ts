/**
 * What every Admin module shares: the Connection, per-call deadlines, and the controller call
 * with retries. A call's deadline covers everything it does (metadata, retries, waits); each
 * attempt gets min(request.timeout.ms, time left). Retriable whole-call failures (NOT_CONTROLLER,
 * NETWORK_EXCEPTION, REQUEST_TIMED_OUT) are retried with backoff and a metadata refresh, so a new
 * controller is found after an election.
 */
import { SamsaError, type Logger } from '@samsa/common';
import { ErrorCode, type controller } from '@samsa/proto';
import type { Connection } from '../connection/connection.js';
import { resolveOptions, type OptionSpec } from '../options.js';

/** Per-call option every call accepts: `timeoutMs` (0 = not given, so request.timeout.ms). */
export const callOptionSpec = {
  timeoutMs: { kind: 'int', default: 0, min: 1, max: 2_147_483_647 },
} as const satisfies Record<string, OptionSpec>;

export class AdminContext {
  constructor(
    readonly connection: Connection,
    readonly logger: Logger,
  ) {}

  /** Validates one call's options (every bad or unknown key in one INVALID_CONFIG). */
  options<S extends Record<string, OptionSpec>>(operation: string, spec: S, input: object | undefined): ReturnType<typeof resolveOptions<S & typeof callOptionSpec>> {
    return resolveOptions(operation, { ...callOptionSpec, ...spec }, input ?? {});
  }

  /** The absolute deadline of a call given `timeoutMs` (0 = request.timeout.ms). */
  deadline(timeoutMs: number): number {
    return Date.now() + (timeoutMs > 0 ? timeoutMs : this.connection.config.requestTimeoutMs);
  }

  /** How long the next attempt may take: the request timeout, capped by the time left (≥ 1 ms). */
  attemptTimeoutMs(deadlineMs: number): number {
    return Math.max(1, Math.min(this.connection.config.requestTimeoutMs, deadlineMs - Date.now()));
  }

  /**
   * The time limit to put inside a request whose attempt may take `attemptTimeoutMs`: a little
   * less, so the server answers REQUEST_TIMED_OUT per item before the gRPC deadline cuts the call.
   */
  serverTimeoutMs(attemptTimeoutMs: number): number {
    return Math.max(1, attemptTimeoutMs - Math.min(1000, Math.floor(attemptTimeoutMs / 10)));
  }

  /** Runs `call` against the active controller, retrying retriable whole-call failures until `deadlineMs`. */
  controller<T>(call: (client: controller.ControllerServiceClient, timeoutMs: number) => Promise<T>, deadlineMs: number): Promise<T> {
    return this.connection.retry(
      async () => {
        const client = await withDeadline(this.connection.controller(), deadlineMs, 'finding the controller');
        return call(client, this.attemptTimeoutMs(deadlineMs));
      },
      {
        deadlineMs,
        onRetry: (error) => {
          this.logger.debug({ error: error.message, code: error.codeName }, 'controller call failed, retrying');
          this.connection.invalidate();
        },
      },
    );
  }
}

/** `promise`, or a REQUEST_TIMED_OUT SamsaError once `deadlineMs` passes first (the promise runs on). */
export function withDeadline<T>(promise: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `timed out ${what}`)), Math.max(0, deadlineMs - Date.now()));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
