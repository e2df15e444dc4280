/**
 * Translation between the MetadataStore vocabulary and etcd's v3 messages (as the `etcd3` client
 * exposes them: int64 as decimal strings, enums as names), including the optional key namespace
 * and the mapping of etcd's errors onto MetadataStoreError codes.
 */
import {
  ClientClosedError,
  EtcdLeaseInvalidError,
  GRPCDeadlineExceededError,
  GRPCOutOfRangeError,
  isRecoverableError,
  type ICompare,
  type IKeyValue,
  type IRequestOp,
  type CompareResult,
} from 'etcd3';
import type { Compare, CompareOperator, KeyValue, Operation } from '../metadata-store.js';
import { MetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { prefixRangeEnd } from '../operations.js';

/** Maps store keys to etcd keys under a fixed namespace (may be ''). */
export class KeyCodec {
  private readonly namespaceBytes: Buffer;

  constructor(readonly namespace: string) {
    this.namespaceBytes = Buffer.from(namespace, 'utf8');
  }

  encode(key: string): Buffer {
    return Buffer.from(this.namespace + key, 'utf8');
  }

  decode(key: Buffer): string {
    return key.subarray(this.namespaceBytes.length).toString('utf8');
  }

  /** `key`/`range_end` covering every key that starts with `prefix`. */
  prefixRange(prefix: string): { key: Buffer; range_end: Buffer } {
    const start = this.encode(prefix);
    if (start.length === 0) return { key: Buffer.from([0]), range_end: Buffer.from([0]) };
    return { key: start, range_end: prefixRangeEnd(start) };
  }

  keyValue(kv: IKeyValue): KeyValue {
    return {
      key: this.decode(kv.key),
      value: kv.value,
      createRevision: toNumber(kv.create_revision),
      modRevision: toNumber(kv.mod_revision),
      version: toNumber(kv.version),
      lease: kv.lease === '0' || kv.lease === '' ? undefined : kv.lease,
    };
  }

  compare(condition: Compare): ICompare {
    const key = this.encode(condition.key);
    switch (condition.target) {
      case 'absent':
        return { key, target: 'Version', result: 'Equal', version: 0 };
      case 'value':
        return { key, target: 'Value', result: RESULTS[condition.operator], value: condition.value };
      case 'version':
        return { key, target: 'Version', result: RESULTS[condition.operator], version: condition.value };
      case 'createRevision':
        return { key, target: 'Create', result: RESULTS[condition.operator], create_revision: condition.value };
      case 'modRevision':
        return { key, target: 'Mod', result: RESULTS[condition.operator], mod_revision: condition.value };
    }
  }

  operation(op: Operation): IRequestOp {
    switch (op.type) {
      case 'put':
        return { request_put: { key: this.encode(op.key), value: op.value, ...(op.lease !== undefined && { lease: op.lease }) } };
      case 'delete':
        return { request_delete_range: { key: this.encode(op.key) } };
      case 'deletePrefix':
        return { request_delete_range: this.prefixRange(op.prefix) };
    }
  }
}

const RESULTS: Record<CompareOperator, keyof typeof CompareResult> = { '==': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' };

/** etcd's int64 (a decimal string) as a number; revisions and versions stay far below 2^53. */
export function toNumber(value: string | number): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`etcd returned ${value}, beyond the safe integer range`);
  return number;
}

/**
 * etcd's errors as MetadataStoreErrors where callers can act on them; anything else unchanged.
 * etcd reports a compacted and a future revision with the same gRPC status (OUT_OF_RANGE), so
 * those two are told apart by etcd's fixed server message, the only thing that differs.
 */
export function mapEtcdError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof MetadataStoreError) return error;
  if (error instanceof EtcdLeaseInvalidError) {
    return new MetadataStoreError(MetadataStoreErrorCode.LEASE_NOT_FOUND, 'lease not found (expired or revoked)', { cause: error });
  }
  if (error instanceof ClientClosedError) return new MetadataStoreError(MetadataStoreErrorCode.CLOSED, 'etcd client is closed', { cause: error });
  if (error instanceof GRPCOutOfRangeError) {
    const compacted = error.message.includes('required revision has been compacted');
    return new MetadataStoreError(
      compacted ? MetadataStoreErrorCode.COMPACTED : MetadataStoreErrorCode.INVALID_ARGUMENT,
      compacted ? 'the requested revision has been compacted' : `revision out of range: ${error.message}`,
      { cause: error },
    );
  }
  if (isRecoverableError(error) || error instanceof GRPCDeadlineExceededError) {
    return new MetadataStoreError(MetadataStoreErrorCode.UNAVAILABLE, `etcd unavailable: ${error.message}`, { cause: error });
  }
  return error;
}

/** Runs an etcd call and rethrows its failure mapped by {@link mapEtcdError}. */
export async function etcdCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapEtcdError(error);
  }
}
