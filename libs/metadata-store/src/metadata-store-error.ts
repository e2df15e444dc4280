/**
 * MetadataStoreError: the expected rejections of a MetadataStore, with a code callers branch on.
 * The controller maps them to Samsa's wire error codes at its own edge (for example a lost
 * leadership to NOT_CONTROLLER); this library stays below the protocol.
 *
 * Identity across package copies: like SamsaError, check with {@link isMetadataStoreError}
 * (a global brand), not `instanceof`.
 */
const BRAND = Symbol.for('samsa.MetadataStoreError');

export enum MetadataStoreErrorCode {
  /** A watch asked for history the store has discarded; re-read and watch from the read's revision + 1. */
  COMPACTED = 'COMPACTED',
  /** The store (or this client) is closed. */
  CLOSED = 'CLOSED',
  /** The lease has expired or was revoked (or never existed). */
  LEASE_NOT_FOUND = 'LEASE_NOT_FOUND',
  /** The caller aborted the operation (a campaign's AbortSignal). */
  ABORTED = 'ABORTED',
  /** The store cannot be reached (etcd down or no quorum); retriable. */
  UNAVAILABLE = 'UNAVAILABLE',
  /** The request itself is invalid (empty key, bad TTL, revision out of range). */
  INVALID_ARGUMENT = 'INVALID_ARGUMENT',
}

export interface MetadataStoreErrorOptions {
  cause?: unknown;
  /** For COMPACTED: the oldest revision a watch may start from, when the store says. */
  compactRevision?: number;
}

export class MetadataStoreError extends Error {
  readonly code: MetadataStoreErrorCode;
  readonly compactRevision: number | undefined;

  constructor(code: MetadataStoreErrorCode, message: string, options: MetadataStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MetadataStoreError';
    this.code = code;
    this.compactRevision = options.compactRevision;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for UNAVAILABLE: the same request may succeed later. */
  get retriable(): boolean {
    return this.code === MetadataStoreErrorCode.UNAVAILABLE;
  }
}

/** True for any MetadataStoreError (optionally with `code`), including ones from another copy of this package. */
export function isMetadataStoreError(value: unknown, code?: MetadataStoreErrorCode): value is MetadataStoreError {
  if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (value as MetadataStoreError).code === code;
}

export function closedError(what = 'metadata store'): MetadataStoreError {
  return new MetadataStoreError(MetadataStoreErrorCode.CLOSED, `${what} is closed`);
}

export function leaseNotFound(id: string): MetadataStoreError {
  return new MetadataStoreError(MetadataStoreErrorCode.LEASE_NOT_FOUND, `lease ${id} not found (expired or revoked)`);
}

export function compactedError(fromRevision: number, compactRevision: number | undefined): MetadataStoreError {
  const oldest = compactRevision === undefined ? '' : `; the oldest revision available is ${compactRevision}`;
  return new MetadataStoreError(MetadataStoreErrorCode.COMPACTED, `cannot watch from revision ${fromRevision}: it has been compacted${oldest}`, {
    compactRevision,
  });
}

export function invalidArgument(message: string): MetadataStoreError {
  return new MetadataStoreError(MetadataStoreErrorCode.INVALID_ARGUMENT, message);
}
