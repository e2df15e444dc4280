/**
 * Option validation shared by Admin, Producer and Consumer. Option names follow Kafka's, camelCased.
 * A constructor validates everything up front and throws one SamsaError(INVALID_CONFIG) naming every
 * bad or unknown option, so a typo never silently falls back to a default.
 */
import { SamsaError, type Logger } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';

export type OptionSpec =
  | { kind: 'int'; default: number; min: number; max?: number }
  | { kind: 'enum'; default: string; values: readonly string[] }
  | { kind: 'bool'; default: boolean }
  | { kind: 'string'; default: string }
  | { kind: 'any' };

type Resolved<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K] extends { kind: 'int' } ? number : S[K] extends { kind: 'bool' } ? boolean : S[K] extends { kind: 'enum' | 'string' } ? string : unknown;
};

/** Validates `input` against `spec` (plus `extraKeys` handled by the caller); returns the options with defaults applied. */
export function resolveOptions<S extends Record<string, OptionSpec>>(owner: string, spec: S, input: object, extraKeys: readonly string[] = []): Resolved<S> {
  const problems: string[] = [];
  const values = input as Record<string, unknown>;
  for (const key of Object.keys(values)) if (!(key in spec) && !extraKeys.includes(key) && values[key] !== undefined) problems.push(`unknown option ${key}`);
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(spec)) {
    const value = values[key];
    if (rule.kind === 'any') {
      out[key] = value;
      continue;
    }
    if (value === undefined) {
      out[key] = rule.default;
      continue;
    }
    if (rule.kind === 'int') {
      const max = rule.max ?? Number.MAX_SAFE_INTEGER;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < rule.min || value > max) problems.push(`${key} must be a whole number in [${rule.min}, ${max}] (got ${JSON.stringify(value)})`);
    } else if (rule.kind === 'enum') {
      if (typeof value !== 'string' || !rule.values.includes(value)) problems.push(`${key} must be one of ${rule.values.join(', ')} (got ${JSON.stringify(value)})`);
    } else if (rule.kind === 'bool') {
      if (typeof value !== 'boolean') problems.push(`${key} must be true or false (got ${JSON.stringify(value)})`);
    } else if (typeof value !== 'string') problems.push(`${key} must be a string (got ${JSON.stringify(value)})`);
    out[key] = value;
  }
  if (problems.length > 0) throw new SamsaError(ErrorCode.INVALID_CONFIG, `invalid ${owner} options: ${problems.join('; ')}`);
  return out as Resolved<S>;
}

/** Options Admin, Producer and Consumer share (Kafka's CommonClientConfigs). */
export interface ConnectionOptions {
  /** Storage nodes to bootstrap from: `host:port` entries, as a list or comma-separated. */
  bootstrapServers: readonly string[] | string;
  /** Sent in the gRPC user agent; default `samsa-client`. */
  clientId?: string;
  /** Deadline of one call (retries included) unless the call gives its own; default 30000. */
  requestTimeoutMs?: number;
  /** Metadata older than this is refreshed before use, ms; default 300000. */
  metadataMaxAgeMs?: number;
  /** First wait before a retry, ms (doubling, ±20 % jitter); default 100. */
  retryBackoffMs?: number;
  /** Longest wait between retries, ms; default 1000. */
  retryBackoffMaxMs?: number;
  /** Largest message accepted from the cluster, bytes; default 64 MiB. */
  maxReceiveMessageBytes?: number;
  /** Where the client logs (pino-compatible); silent by default. */
  logger?: Logger;
}

/** Defaults and ranges of {@link ConnectionOptions}. */
export const connectionOptionSpec = {
  clientId: { kind: 'string', default: 'samsa-client' },
  requestTimeoutMs: { kind: 'int', default: 30_000, min: 1, max: 2_147_483_647 },
  metadataMaxAgeMs: { kind: 'int', default: 300_000, min: 0, max: 2_147_483_647 },
  retryBackoffMs: { kind: 'int', default: 100, min: 0, max: 2_147_483_647 },
  retryBackoffMaxMs: { kind: 'int', default: 1000, min: 0, max: 2_147_483_647 },
  /** Largest message the client accepts from the cluster (bytes). */
  maxReceiveMessageBytes: { kind: 'int', default: 64 * 1024 * 1024, min: 1024, max: 2_147_483_647 },
} as const satisfies Record<string, OptionSpec>;

/** Validates `bootstrapServers`: a non-empty list of `host:port`. */
export function parseBootstrapServers(owner: string, value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((entry) => entry.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((entry) => typeof entry === 'string' && /^[^\s:]+:\d{1,5}$/.test(entry))) {
    throw new SamsaError(ErrorCode.INVALID_CONFIG, `invalid ${owner} options: bootstrapServers must be a non-empty list of host:port (got ${JSON.stringify(value)})`);
  }
  return list as string[];
}
