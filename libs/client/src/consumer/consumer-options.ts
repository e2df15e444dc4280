/**
 * The Consumer's options: Kafka's consumer configs camelCased (spec/kafka-facts.md §12 for the
 * defaults), validated all at once — one SamsaError(INVALID_CONFIG) names every bad or unknown key.
 */
import { SamsaError, type Logger } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { connectionOptionSpec, parseBootstrapServers, resolveOptions, type ConnectionOptions, type OptionSpec } from '../options.js';
import { serdes, type Deserializer, type SerdeName } from '../serdes.js';
import type { AutoOffsetReset } from './partition-states.js';

const INT32_MAX = 2_147_483_647;

export type IsolationLevelName = 'read_uncommitted' | 'read_committed';

export const consumerOptionSpec = {
  ...connectionOptionSpec,
  /** The consumer group (group.id). Accepted now; group membership (subscribe) comes later. */
  groupId: { kind: 'string', default: '' },
  /** Where to start when a partition has no position (auto.offset.reset). */
  autoOffsetReset: { kind: 'enum', default: 'latest', values: ['earliest', 'latest', 'none'] },
  /** What fetches may see (isolation.level). */
  isolationLevel: { kind: 'enum', default: 'read_uncommitted', values: ['read_uncommitted', 'read_committed'] },
  /** Most records one poll returns (max.poll.records). */
  maxPollRecords: { kind: 'int', default: 500, min: 1, max: INT32_MAX },
  /** Fewest bytes worth a push before fetchMaxWaitMs (fetch.min.bytes). */
  fetchMinBytes: { kind: 'int', default: 1, min: 0, max: INT32_MAX },
  /** Most bytes per push and most bytes buffered ahead of poll (fetch.max.bytes). */
  fetchMaxBytes: { kind: 'int', default: 52_428_800, min: 1, max: INT32_MAX },
  /** Most bytes per partition per push (max.partition.fetch.bytes). */
  maxPartitionFetchBytes: { kind: 'int', default: 1_048_576, min: 1, max: INT32_MAX },
  /** Longest a node holds back news smaller than fetchMinBytes, in ms (fetch.max.wait.ms). */
  fetchMaxWaitMs: { kind: 'int', default: 500, min: 0, max: INT32_MAX },
  /** Verify each fetched batch's CRC-32C (check.crcs). */
  checkCrcs: { kind: 'bool', default: true },
  /** Bound of blocking calls without their own timeout, such as position(), in ms (default.api.timeout.ms). */
  defaultApiTimeoutMs: { kind: 'int', default: 60_000, min: 1, max: INT32_MAX },
  keyDeserializer: { kind: 'any' },
  valueDeserializer: { kind: 'any' },
  logger: { kind: 'any' },
} as const satisfies Record<string, OptionSpec>;

export interface ConsumerOptions<K = Buffer | null, V = Buffer | null> extends ConnectionOptions {
  groupId?: string;
  autoOffsetReset?: AutoOffsetReset;
  isolationLevel?: IsolationLevelName;
  maxPollRecords?: number;
  fetchMinBytes?: number;
  fetchMaxBytes?: number;
  maxPartitionFetchBytes?: number;
  fetchMaxWaitMs?: number;
  checkCrcs?: boolean;
  defaultApiTimeoutMs?: number;
  /** A built-in name ('buffer' | 'string' | 'json') or a custom Deserializer; default 'buffer'. */
  keyDeserializer?: SerdeName | Deserializer<K>;
  valueDeserializer?: SerdeName | Deserializer<V>;
}

/** The validated options with defaults applied. */
export interface ConsumerConfig<K, V> {
  bootstrapServers: string[];
  clientId: string;
  groupId: string;
  autoOffsetReset: AutoOffsetReset;
  isolationLevel: IsolationLevelName;
  maxPollRecords: number;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  maxPartitionFetchBytes: number;
  fetchMaxWaitMs: number;
  checkCrcs: boolean;
  defaultApiTimeoutMs: number;
  keyDeserializer: Deserializer<K>;
  valueDeserializer: Deserializer<V>;
  requestTimeoutMs: number;
  metadataMaxAgeMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  maxReceiveMessageBytes: number;
  logger: Logger | undefined;
}

const PREFIX = 'invalid Consumer options: ';

export function resolveConsumerOptions<K, V>(input: ConsumerOptions<K, V>): ConsumerConfig<K, V> {
  if (typeof input !== 'object' || input === null) throw new SamsaError(ErrorCode.INVALID_CONFIG, `${PREFIX}expected an options object (got ${JSON.stringify(input)})`);
  const problems: string[] = [];
  let bootstrapServers: string[] = [];
  try {
    bootstrapServers = parseBootstrapServers('Consumer', input.bootstrapServers);
  } catch (error) {
    problems.push((error as Error).message.replace(PREFIX, ''));
  }
  const keyDeserializer = deserializer<K>('keyDeserializer', input.keyDeserializer, problems);
  const valueDeserializer = deserializer<V>('valueDeserializer', input.valueDeserializer, problems);
  const logger = input.logger;
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || typeof logger.child !== 'function')) problems.push('logger must be a Logger (pino-compatible, with child())');
  let resolved: ReturnType<typeof resolveOptions<typeof consumerOptionSpec>> | undefined;
  try {
    resolved = resolveOptions('Consumer', consumerOptionSpec, input, ['bootstrapServers']);
  } catch (error) {
    problems.unshift((error as Error).message.replace(PREFIX, ''));
  }
  if (problems.length > 0 || !resolved) throw new SamsaError(ErrorCode.INVALID_CONFIG, PREFIX + problems.join('; '));
  return {
    bootstrapServers,
    clientId: resolved.clientId,
    groupId: resolved.groupId,
    autoOffsetReset: resolved.autoOffsetReset as AutoOffsetReset,
    isolationLevel: resolved.isolationLevel as IsolationLevelName,
    maxPollRecords: resolved.maxPollRecords,
    fetchMinBytes: resolved.fetchMinBytes,
    fetchMaxBytes: resolved.fetchMaxBytes,
    maxPartitionFetchBytes: resolved.maxPartitionFetchBytes,
    fetchMaxWaitMs: resolved.fetchMaxWaitMs,
    checkCrcs: resolved.checkCrcs,
    defaultApiTimeoutMs: resolved.defaultApiTimeoutMs,
    keyDeserializer,
    valueDeserializer,
    requestTimeoutMs: resolved.requestTimeoutMs,
    metadataMaxAgeMs: resolved.metadataMaxAgeMs,
    retryBackoffMs: resolved.retryBackoffMs,
    retryBackoffMaxMs: resolved.retryBackoffMaxMs,
    maxReceiveMessageBytes: resolved.maxReceiveMessageBytes,
    logger,
  };
}

function deserializer<T>(key: string, value: unknown, problems: string[]): Deserializer<T> {
  if (value === undefined) return serdes.buffer as unknown as Deserializer<T>;
  if (typeof value === 'string' && Object.hasOwn(serdes, value)) return serdes[value as SerdeName] as unknown as Deserializer<T>;
  if (typeof value === 'object' && value !== null && typeof (value as Deserializer<T>).deserialize === 'function') return value as Deserializer<T>;
  problems.push(`${key} must be one of ${Object.keys(serdes).join(', ')} or an object with deserialize(bytes, topic) (got ${typeof value === 'string' ? JSON.stringify(value) : typeof value})`);
  return serdes.buffer as unknown as Deserializer<T>;
}
