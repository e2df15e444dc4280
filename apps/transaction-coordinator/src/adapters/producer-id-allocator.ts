/**
 * The `allocate` port of ProducerIdBlocks over ControllerService.AllocateProducerIds, sent as this
 * coordinator instance (CoordinatorSession: kind, instance id, coordinator epoch).
 *
 * Retries, with exponential backoff (`retryBackoffMs` doubling up to `retryBackoffMaxMs`), while
 * - the instance has no session yet (still registering),
 * - the controller is unreachable or not the active one (UNAVAILABLE, DEADLINE_EXCEEDED, or a
 *   status whose `samsa-retriable` trailer says so),
 * - the controller says the session is stale or unknown: the link is told to register again.
 * After `timeoutMs` without a block it gives up with a retriable COORDINATOR_NOT_AVAILABLE, which
 * InitProducerId answers in its response. Any other refusal is a broken invariant (a plain Error).
 */
import * as grpc from '@grpc/grpc-js';
import { errorCodeName, RETRIABLE_TRAILER, SamsaError, type Clock, type Logger } from '@samsa/common';
import { controller, ErrorCode } from '@samsa/proto';
import type { AllocateProducerIdBlock } from '../domain/producer-id-blocks.js';

/** What the allocator needs from the ControllerLink. */
export interface CoordinatorSessionPort {
  readonly session: controller.CoordinatorSession | undefined;
  readonly closed: boolean;
  sessionLost(coordinatorEpoch: number): void;
  allocateProducerIds(session: controller.CoordinatorSession): Promise<controller.AllocateProducerIdsResponse>;
}

export interface ProducerIdAllocatorOptions {
  link: CoordinatorSessionPort;
  clock: Clock;
  logger: Logger;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  timeoutMs: number;
}

const RETRIABLE_STATUSES = new Set<grpc.status>([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.RESOURCE_EXHAUSTED]);

export function controllerProducerIdAllocator(options: ProducerIdAllocatorOptions): AllocateProducerIdBlock {
  const { link, clock, logger } = options;
  return async () => {
    const deadline = clock.monotonicMs() + options.timeoutMs;
    let backoffMs = options.retryBackoffMs;
    let problem = 'not registered with the controller yet';
    for (;;) {
      if (link.closed) throw new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'the coordinator is shutting down');
      const session = link.session;
      if (session) {
        const outcome = await attempt(link, session);
        if ('block' in outcome) {
          logger.info(outcome.block, 'producer id block allocated');
          return outcome.block;
        }
        problem = outcome.problem;
        logger.debug({ problem }, 'producer id block request failed; retrying');
      }
      if (clock.monotonicMs() + backoffMs > deadline) {
        throw new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `no producer id block from the controller within ${options.timeoutMs} ms: ${problem}`);
      }
      await clock.sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, options.retryBackoffMaxMs);
    }
  };
}

/** One AllocateProducerIds call: a block, or a problem worth retrying; throws when retrying cannot help. */
async function attempt(link: CoordinatorSessionPort, session: controller.CoordinatorSession): Promise<{ block: { firstProducerId: number; count: number } } | { problem: string }> {
  let response: controller.AllocateProducerIdsResponse;
  try {
    response = await link.allocateProducerIds(session);
  } catch (error) {
    if (isRetriableStatus(error)) return { problem: `controller unavailable (${(error as grpc.ServiceError).details})` };
    throw error;
  }
  switch (response.errorCode) {
    case ErrorCode.NONE:
      return { block: { firstProducerId: response.firstProducerId, count: response.count } };
    case ErrorCode.STALE_BROKER_EPOCH:
    case ErrorCode.BROKER_ID_NOT_REGISTERED:
      link.sessionLost(session.coordinatorEpoch);
      return { problem: `session refused (${errorCodeName(response.errorCode)}); registering again` };
    default:
      throw new Error(`AllocateProducerIds answered ${errorCodeName(response.errorCode)}: ${response.errorMessage}`);
  }
}

function isRetriableStatus(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code, metadata } = error as grpc.ServiceError;
  return RETRIABLE_STATUSES.has(code) || (metadata instanceof grpc.Metadata && metadata.get(RETRIABLE_TRAILER)[0] === 'true');
}
