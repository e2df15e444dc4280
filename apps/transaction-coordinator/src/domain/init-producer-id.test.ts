import { describe, expect, it } from 'vitest';
import { SamsaError, isSamsaError } from '@samsa/common';
import { ErrorCode, transaction } from '@samsa/proto';
import { initProducerId } from './init-producer-id.js';

function source(...results: Array<number | Error>) {
  return {
    calls: 0,
    nextProducerId() {
      const result = results[this.calls++];
      return result instanceof Error ? Promise.reject(result) : Promise.resolve(result ?? -2);
    },
  };
}

const request = (fields: Partial<transaction.InitProducerIdRequest> = {}) => transaction.InitProducerIdRequest.fromPartial({ producerId: -1, producerEpoch: -1, ...fields });

async function rejection(promise: Promise<unknown>): Promise<SamsaError> {
  const error = await promise.then(() => undefined, (reason: unknown) => reason);
  if (!isSamsaError(error)) throw new Error(`expected a SamsaError, got ${String(error)}`);
  return error;
}

describe('initProducerId without a transactional id', () => {
  it('returns a fresh producer id with epoch 0', async () => {
    expect(await initProducerId(request(), source(42))).toEqual({ errorCode: ErrorCode.NONE, errorMessage: '', producerId: 42, producerEpoch: 0 });
  });

  it('returns a fresh id, not a bump, when the producer passes its current id and epoch', async () => {
    const ids = source(7);
    expect(await initProducerId(request({ producerId: 3, producerEpoch: 32_767 }), ids)).toMatchObject({ producerId: 7, producerEpoch: 0 });
    expect(ids.calls).toBe(1);
  });

  it('answers a retriable allocation failure in the response', async () => {
    const unavailable = new SamsaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'no producer id block');
    expect(await initProducerId(request(), source(unavailable))).toEqual({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, errorMessage: 'no producer id block', producerId: -1, producerEpoch: -1 });
  });

  it('lets a broken invariant propagate', async () => {
    await expect(initProducerId(request(), source(new Error('overlapping block')))).rejects.toThrow('overlapping block');
  });

  it.each([
    ['a negative transaction timeout', { transactionTimeoutMs: -1 }],
    ['a producer id below -1', { producerId: -2, producerEpoch: 0 }],
    ['an epoch above 32767', { producerId: 1, producerEpoch: 32_768 }],
    ['an epoch without a producer id', { producerId: -1, producerEpoch: 0 }],
    ['an empty transactional id', { transactionalId: '' }],
  ])('rejects %s with INVALID_REQUEST and hands out no id', async (_name, fields) => {
    const ids = source(1);
    const error = await rejection(initProducerId(request(fields), ids));
    expect(error.code).toBe(ErrorCode.INVALID_REQUEST);
    expect(ids.calls).toBe(0);
  });
});

describe('initProducerId with a transactional id', () => {
  it('fails with UNSUPPORTED_VERSION until transactions land', async () => {
    const ids = source(1);
    const error = await rejection(initProducerId(request({ transactionalId: 'txn-1', transactionTimeoutMs: 60_000 }), ids));
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(error.message).toMatch(/transactions issue/);
    expect(ids.calls).toBe(0);
  });
});
