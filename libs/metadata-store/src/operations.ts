/**
 * Builders for transaction conditions and operations, and the key rules both stores share.
 *
 * Key order is the order of the keys' UTF-8 bytes (etcd's order), which is Unicode code point
 * order; JavaScript's `<` on strings compares UTF-16 code units and differs for characters above
 * U+FFFF, so stores sort with {@link compareKeys}.
 */
import type { Compare, CompareOperator, LeaseId, Operation, Transaction } from './metadata-store.js';
import { invalidArgument } from './metadata-store-error.js';

export const compare = {
  /** The key does not exist. */
  absent: (key: string): Compare => ({ target: 'absent', key }),
  /** The key exists and its value compares to `value` (false for a missing key, whatever the operator). */
  value: (key: string, operator: CompareOperator, value: Buffer): Compare => ({ target: 'value', key, operator, value }),
  /** Puts since creation; 0 for a missing key. */
  version: (key: string, operator: CompareOperator, version: number): Compare => ({ target: 'version', key, operator, value: version }),
  /** The revision that created the key; 0 for a missing key. */
  createRevision: (key: string, operator: CompareOperator, revision: number): Compare => ({
    target: 'createRevision',
    key,
    operator,
    value: revision,
  }),
  /** The revision of the key's last change; 0 for a missing key. */
  modRevision: (key: string, operator: CompareOperator, revision: number): Compare => ({ target: 'modRevision', key, operator, value: revision }),
};

export const operation = {
  put: (key: string, value: Buffer, options: { lease?: LeaseId } = {}): Operation =>
    options.lease === undefined ? { type: 'put', key, value } : { type: 'put', key, value, lease: options.lease },
  delete: (key: string): Operation => ({ type: 'delete', key }),
  deletePrefix: (prefix: string): Operation => ({ type: 'deletePrefix', prefix }),
};

/** Compares keys by their UTF-8 bytes (code point order). */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    if (left !== right) return codePointRank(left) - codePointRank(right);
  }
  return a.length - b.length;
}

/** Surrogates (U+D800..DFFF) encode code points above U+FFFF, so they rank above U+E000..FFFF. */
function codePointRank(codeUnit: number): number {
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  if (codeUnit >= 0xd800) return codeUnit + 0x2000;
  return codeUnit;
}

/** The first key after every key starting with `prefix`, as etcd's `range_end`; `\0` means "to the end". */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let index = end.length - 1; index >= 0; index--) {
    const byte = end[index] ?? 0xff;
    if (byte < 0xff) {
      end[index] = byte + 1;
      return end.subarray(0, index + 1);
    }
  }
  return Buffer.from([0]);
}

/** Election names are key prefixes; a trailing '/' keeps `a` from matching `ab/...`. */
export function electionPrefix(election: string): string {
  if (election.length === 0) throw invalidArgument('an election name must not be empty');
  return election.endsWith('/') ? election : `${election}/`;
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw invalidArgument('a key must be a non-empty string');
}

export function checkTransaction(transaction: Transaction): void {
  for (const condition of transaction.compare ?? []) {
    checkKey(condition.key);
    if (condition.target === 'value' && !Buffer.isBuffer(condition.value)) throw invalidArgument(`compare on ${condition.key}: value must be a Buffer`);
    if (condition.target !== 'value' && condition.target !== 'absent' && !Number.isSafeInteger(condition.value)) {
      throw invalidArgument(`compare on ${condition.key}: ${condition.target} must be an integer`);
    }
  }
  checkBranch(transaction.success ?? []);
  checkBranch(transaction.failure ?? []);
}

/** etcd's rule, enforced by both stores: a branch may not put a key twice or put a key it deletes. */
function checkBranch(operations: readonly Operation[]): void {
  const puts = new Set<string>();
  for (const op of operations) {
    if (op.type !== 'put') continue;
    checkKey(op.key);
    if (!Buffer.isBuffer(op.value)) throw invalidArgument(`put ${op.key}: value must be a Buffer`);
    if (puts.has(op.key)) throw invalidArgument(`a transaction branch puts ${op.key} twice`);
    puts.add(op.key);
  }
  for (const op of operations) {
    if (op.type === 'put') continue;
    if (op.type === 'delete') checkKey(op.key);
    const overlaps = op.type === 'delete' ? puts.has(op.key) : [...puts].some((key) => key.startsWith(op.prefix));
    if (overlaps) throw invalidArgument(`a transaction branch both puts and deletes ${op.type === 'delete' ? op.key : `under ${op.prefix}`}`);
  }
}

export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) throw invalidArgument(`a range limit must be a positive integer, got ${limit}`);
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw invalidArgument(`a lease TTL must be positive, got ${ttlMs} ms`);
}

/** Evaluates one comparison operator on two numbers or two byte strings. */
export function applyOperator(operator: CompareOperator, order: number): boolean {
  switch (operator) {
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
  }
}
