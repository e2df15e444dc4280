import { isSamsaError, SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { AdminBatchError, adminClosedError, isAdminBatchError, itemError, labelled, valuesOrThrow, type Outcome } from './admin-errors.js';

const label = (key: { topic: string }) => `topic ${key.topic}`;

describe('valuesOrThrow', () => {
  it('returns the values in order when every item succeeded', () => {
    const outcomes: Array<Outcome<number>> = [{ ok: true, value: 1 }, { ok: true, value: 2 }];
    expect(valuesOrThrow('op', [{ topic: 'a' }, { topic: 'b' }], outcomes, label)).toEqual([1, 2]);
  });

  it('throws one AdminBatchError with the first failure code, every failure named and every outcome attached', () => {
    const outcomes: Array<Outcome<number>> = [
      { ok: true, value: 1 },
      { ok: false, error: itemError('topic b', ErrorCode.TOPIC_ALREADY_EXISTS, 'exists') },
      { ok: false, error: new SamsaError(ErrorCode.INVALID_CONFIG, 'bad key') },
    ];
    let caught: unknown;
    try {
      valuesOrThrow('createTopics', [{ topic: 'a' }, { topic: 'b' }, { topic: 'c' }], outcomes, label);
    } catch (error) {
      caught = error;
    }
    expect(isAdminBatchError(caught)).toBe(true);
    const error = caught as AdminBatchError<{ topic: string }, number>;
    expect(error.code).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(error.message).toBe('createTopics failed for 2 of 3: topic b: exists (TOPIC_ALREADY_EXISTS); topic c: bad key (INVALID_CONFIG)');
    expect(error.results.map((result) => [result.topic, result.status])).toEqual([['a', 'fulfilled'], ['b', 'rejected'], ['c', 'rejected']]);
    const third = error.results[2];
    expect(third?.status === 'rejected' && third.reason.message).toBe('topic c: bad key');
  });
});

describe('error helpers', () => {
  it('labels a message once', () => {
    const error = itemError('orders-0', ErrorCode.LEADER_NOT_AVAILABLE, '');
    expect(error.message).toBe('orders-0: LEADER_NOT_AVAILABLE');
    expect(labelled('orders-0', error)).toBe(error);
    expect(labelled('orders-1', new SamsaError(ErrorCode.NETWORK_EXCEPTION, 'down')).message).toBe('orders-1: down');
  });

  it('makes a non-retriable closed error that is not a batch error', () => {
    const error = adminClosedError();
    expect(isSamsaError(error)).toBe(true);
    expect(error.retriable).toBe(false);
    expect(error.message).toBe('the admin client was closed');
    expect(isAdminBatchError(error)).toBe(false);
  });
});
