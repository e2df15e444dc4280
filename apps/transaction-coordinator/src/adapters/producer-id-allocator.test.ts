import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { ManualClock, isSamsaError, silentLogger } from '@samsa/common';
import { controller, ErrorCode } from '@samsa/proto';
import { controllerProducerIdAllocator, type CoordinatorSessionPort } from './producer-id-allocator.js';

type Outcome = controller.AllocateProducerIdsResponse | grpc.ServiceError;

const KIND = controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION;
const block = (firstProducerId: number, count = 1000): controller.AllocateProducerIdsResponse => ({ errorCode: ErrorCode.NONE, errorMessage: '', firstProducerId, count });
const refused = (errorCode: ErrorCode): controller.AllocateProducerIdsResponse => ({ errorCode, errorMessage: 'refused', firstProducerId: -1, count: 0 });
function status(code: grpc.status, details = 'controller down'): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

/** A ControllerLink stand-in: scripted AllocateProducerIds outcomes, and a session the test controls. */
class FakeLink implements CoordinatorSessionPort {
  session: controller.CoordinatorSession | undefined = { kind: KIND, instanceId: 1, coordinatorEpoch: 10 };
  closed = false;
  readonly calls: Array<{ atMs: number; session: controller.CoordinatorSession }> = [];
  readonly lost: number[] = [];

  constructor(private readonly clock: ManualClock, private readonly outcomes: Outcome[]) {}

  sessionLost(coordinatorEpoch: number): void {
    this.lost.push(coordinatorEpoch);
    this.session = undefined;
  }

  allocateProducerIds(session: controller.CoordinatorSession): Promise<controller.AllocateProducerIdsResponse> {
    this.calls.push({ atMs: this.clock.monotonicMs(), session });
    const outcome = this.outcomes.shift() ?? status(grpc.status.UNAVAILABLE);
    return 'code' in outcome ? Promise.reject(outcome) : Promise.resolve(outcome);
  }
}

function setup(outcomes: Outcome[]) {
  const clock = new ManualClock(0);
  const link = new FakeLink(clock, outcomes);
  const allocate = controllerProducerIdAllocator({ link, clock, logger: silentLogger, retryBackoffMs: 100, retryBackoffMaxMs: 400, timeoutMs: 2_000 });
  return { clock, link, allocate };
}

/** Runs the manual clock forward in 10 ms steps until `promise` settles. */
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | undefined;
  void promise.then(
    (value) => (result = { status: 'fulfilled', value }),
    (reason: unknown) => (result = { status: 'rejected', reason }),
  );
  for (let step = 0; step < 10_000 && !result; step++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!result) clock.advance(10);
  }
  if (!result) throw new Error('the allocation never settled');
  return result;
}

describe('controllerProducerIdAllocator', () => {
  it("returns the controller's block, asking as this instance's coordinator session", async () => {
    const { clock, link, allocate } = setup([block(3000, 1000)]);
    expect(await drive(clock, allocate())).toEqual({ status: 'fulfilled', value: { firstProducerId: 3000, count: 1000 } });
    expect(link.calls.map((call) => call.session)).toEqual([{ kind: KIND, instanceId: 1, coordinatorEpoch: 10 }]);
  });

  it('waits for a session before asking', async () => {
    const { clock, link, allocate } = setup([block(0)]);
    link.session = undefined;
    const pending = allocate();
    clock.advance(0);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(link.calls).toHaveLength(0);
    link.session = { kind: KIND, instanceId: 1, coordinatorEpoch: 11 };
    expect(await drive(clock, pending)).toMatchObject({ status: 'fulfilled', value: { firstProducerId: 0 } });
    expect(link.calls[0]?.session.coordinatorEpoch).toBe(11);
  });

  it('retries an unavailable controller with a doubling backoff, capped', async () => {
    const unavailable = status(grpc.status.UNAVAILABLE);
    const { clock, link, allocate } = setup([unavailable, status(grpc.status.DEADLINE_EXCEEDED), unavailable, unavailable, block(5000)]);
    expect(await drive(clock, allocate())).toMatchObject({ status: 'fulfilled', value: { firstProducerId: 5000 } });
    const gaps = link.calls.slice(1).map((call, index) => call.atMs - (link.calls[index]?.atMs ?? 0));
    expect(gaps).toEqual([100, 200, 400, 400]);
  });

  it('tells the link its session was refused, and asks again with the new session', async () => {
    const { clock, link, allocate } = setup([refused(ErrorCode.STALE_BROKER_EPOCH), block(7000)]);
    const pending = allocate();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(link.lost).toEqual([10]);
    link.session = { kind: KIND, instanceId: 1, coordinatorEpoch: 12 };
    expect(await drive(clock, pending)).toMatchObject({ status: 'fulfilled', value: { firstProducerId: 7000 } });
    expect(link.calls.map((call) => call.session.coordinatorEpoch)).toEqual([10, 12]);
  });

  it('gives up after the timeout with a retriable COORDINATOR_NOT_AVAILABLE', async () => {
    const { clock, link, allocate } = setup([]);
    const result = await drive(clock, allocate());
    expect(result.status).toBe('rejected');
    const reason = (result as PromiseRejectedResult).reason as unknown;
    expect(isSamsaError(reason) && reason.code === ErrorCode.COORDINATOR_NOT_AVAILABLE && reason.retriable).toBe(true);
    expect((reason as Error).message).toMatch(/within 2000 ms: controller unavailable/);
    expect(clock.monotonicMs()).toBeLessThanOrEqual(2_000);
    expect(link.calls.length).toBeGreaterThan(3);
  });

  it('fails at once on a status retrying cannot fix, and on an unexpected error code', async () => {
    const invalid = status(grpc.status.INVALID_ARGUMENT, 'requester is required');
    const first = setup([invalid]);
    expect(await drive(first.clock, first.allocate())).toEqual({ status: 'rejected', reason: invalid });
    const second = setup([refused(ErrorCode.UNKNOWN_SERVER_ERROR)]);
    const result = await drive(second.clock, second.allocate());
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(Error);
    expect(isSamsaError((result as PromiseRejectedResult).reason)).toBe(false);
    expect(second.link.calls).toHaveLength(1);
  });

  it('answers COORDINATOR_NOT_AVAILABLE without asking once the link is closed', async () => {
    const { clock, link, allocate } = setup([block(0)]);
    link.closed = true;
    const result = await drive(clock, allocate());
    expect(isSamsaError((result as PromiseRejectedResult).reason) && (result as PromiseRejectedResult).reason.code === ErrorCode.COORDINATOR_NOT_AVAILABLE).toBe(true);
    expect(link.calls).toHaveLength(0);
  });
});
