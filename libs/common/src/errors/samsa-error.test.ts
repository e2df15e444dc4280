import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { SamsaError, errorCodeName, hasErrorCode, isRetriable, isSamsaError } from './samsa-error.js';

describe('SamsaError', () => {
  it('takes retriability from the Kafka classification of its code unless told otherwise', () => {
    expect(new SamsaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'moved').retriable).toBe(true);
    expect(new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, 'too big').retriable).toBe(false);
    expect(new SamsaError(ErrorCode.MESSAGE_TOO_LARGE, 'too big', { retriable: true }).retriable).toBe(true);
  });

  it('is recognised by its brand even when instanceof would fail (another package copy)', () => {
    const error = new SamsaError(ErrorCode.INVALID_REQUEST, 'bad');
    const foreign = Object.assign(Object.create(Error.prototype) as object, { code: ErrorCode.INVALID_REQUEST });
    Object.defineProperty(foreign, Symbol.for('samsa.SamsaError'), { value: true });
    expect(isSamsaError(error)).toBe(true);
    expect(isSamsaError(foreign)).toBe(true);
    expect(isSamsaError(new Error('plain'))).toBe(false);
    expect(isSamsaError({ code: ErrorCode.INVALID_REQUEST })).toBe(false);
    expect(isSamsaError(undefined)).toBe(false);
  });

  it('narrows by code and keeps the cause for logs', () => {
    const cause = new Error('disk');
    const error = new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, 'log dir failed', { cause });
    expect(hasErrorCode(error, ErrorCode.KAFKA_STORAGE_ERROR)).toBe(true);
    expect(hasErrorCode(error, ErrorCode.NONE)).toBe(false);
    expect(error.cause).toBe(cause);
    expect(isRetriable(error)).toBe(true);
    expect(isRetriable(new Error('x'))).toBe(false);
  });

  it('names codes by their Kafka names', () => {
    expect(errorCodeName(ErrorCode.NOT_ENOUGH_REPLICAS)).toBe('NOT_ENOUGH_REPLICAS');
    expect(new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'x').codeName).toBe('UNKNOWN_SERVER_ERROR');
    expect(errorCodeName(9999 as ErrorCode)).toBe('UNKNOWN_ERROR_9999');
  });
});
