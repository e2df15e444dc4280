/**
 * Producer options: Kafka's producer configs, camelCased, with Kafka's defaults except where noted,
 * validated together (one INVALID_CONFIG error naming every problem). Idempotence is on by default
 * and needs acks=all, retries > 0 and at most 5 requests in flight: asking for idempotence
 * explicitly with a conflicting setting is an error; leaving it unset with one turns it off
 * (Kafka 3.x does the same).
 */
import { SamsaError } from '@samsa/common';
import { DefaultPartitioner, RoundRobinPartitioner, type Partitioner } from '@samsa/partitioners';
import { ErrorCode } from '@samsa/proto';
import { COMPRESSION_CODECS, type CompressionName } from '@samsa/records';
import { connectionOptionSpec, parseBootstrapServers, resolveOptions, type ConnectionOptions } from '../options.js';
import { resolveSerde, serdes, type SerdeName, type Serializer, type Header } from '../serdes.js';
import type { RecordMetadata } from './producer-batch.js';

/** A record as the application sends it. */
export interface ProducerRecord<K = unknown, V = unknown> {
  topic: string;
  key?: K;
  value: V;
  /** Explicit partition: wins over the partitioner. */
  partition?: number;
  /** CreateTime in ms since the epoch; default now. */
  timestamp?: number;
  headers?: Header[] | Record<string, string | Buffer | null>;
}

/** Kafka's ProducerInterceptor: `onSend` may replace the record; `onAcknowledgement` sees every outcome. Exceptions are logged, never thrown at the caller. */
export interface ProducerInterceptor<K = unknown, V = unknown> {
  onSend?(record: ProducerRecord<K, V>): ProducerRecord<K, V>;
  onAcknowledgement?(metadata: RecordMetadata | undefined, error: Error | undefined): void;
  close?(): void;
}

export interface ProducerOptions<K = unknown, V = unknown> extends ConnectionOptions {
  /** 'all' (default, = -1), 1 or 0. */
  acks?: 'all' | -1 | 0 | 1 | '-1' | '0' | '1';
  enableIdempotence?: boolean;
  lingerMs?: number;
  batchSize?: number;
  bufferMemory?: number;
  maxBlockMs?: number;
  compressionType?: CompressionName;
  retries?: number;
  deliveryTimeoutMs?: number;
  maxInFlightRequestsPerConnection?: number;
  maxRequestSize?: number;
  keySerializer?: SerdeName | Serializer<K>;
  valueSerializer?: SerdeName | Serializer<V>;
  /** 'default' (murmur2 keys, uniform sticky otherwise), 'roundrobin', or your own. */
  partitioner?: 'default' | 'roundrobin' | Partitioner;
  interceptors?: ProducerInterceptor<K, V>[];
}

const spec = {
  ...connectionOptionSpec,
  lingerMs: { kind: 'int', default: 5, min: 0, max: 2_147_483_647 },
  batchSize: { kind: 'int', default: 16_384, min: 0, max: 2_147_483_647 },
  bufferMemory: { kind: 'int', default: 33_554_432, min: 1024, max: Number.MAX_SAFE_INTEGER },
  maxBlockMs: { kind: 'int', default: 60_000, min: 0, max: 2_147_483_647 },
  compressionType: { kind: 'enum', default: 'none', values: Object.keys(COMPRESSION_CODECS) },
  retries: { kind: 'int', default: 2_147_483_647, min: 0, max: 2_147_483_647 },
  deliveryTimeoutMs: { kind: 'int', default: 120_000, min: 1, max: 2_147_483_647 },
  maxInFlightRequestsPerConnection: { kind: 'int', default: 5, min: 1, max: 1000 },
  maxRequestSize: { kind: 'int', default: 1_048_576, min: 1024, max: 2_147_483_647 },
  enableIdempotence: { kind: 'any' },
  acks: { kind: 'any' },
  keySerializer: { kind: 'any' },
  valueSerializer: { kind: 'any' },
  partitioner: { kind: 'any' },
  interceptors: { kind: 'any' },
  logger: { kind: 'any' },
} as const;


export type ResolvedProducerOptions<K, V> = ReturnType<typeof resolveProducerOptions<K, V>>;

export function resolveProducerOptions<K, V>(input: ProducerOptions<K, V>) {
  const base = resolveOptions('Producer', spec, input, ['bootstrapServers']);
  const problems: string[] = [];
  const acks = ({ all: -1, '-1': -1, '0': 0, '1': 1 } as Record<string, number>)[String(input.acks ?? 'all')];
  if (acks === undefined) problems.push(`acks must be all, -1, 0 or 1 (got ${JSON.stringify(input.acks)})`);
  if (input.enableIdempotence !== undefined && typeof input.enableIdempotence !== 'boolean') problems.push(`enableIdempotence must be true or false (got ${JSON.stringify(input.enableIdempotence)})`);
  const conflicts = [acks !== -1 ? 'acks must be all' : '', base.retries === 0 ? 'retries must be > 0' : '', base.maxInFlightRequestsPerConnection > 5 ? 'maxInFlightRequestsPerConnection must be ≤ 5' : ''].filter(Boolean);
  if (input.enableIdempotence === true && conflicts.length > 0) problems.push(`enableIdempotence requires: ${conflicts.join(', ')}`);
  for (const key of ['keySerializer', 'valueSerializer'] as const) {
    const value = input[key];
    if (value !== undefined && !(typeof value === 'string' ? value in serdes : typeof (value as Serializer<unknown>).serialize === 'function')) problems.push(`${key} must be one of ${Object.keys(serdes).join(', ')} or an object with serialize() (got ${JSON.stringify(value)})`);
  }
  const partitioner = input.partitioner ?? 'default';
  if (typeof partitioner === 'string' ? !['default', 'roundrobin'].includes(partitioner) : typeof partitioner.partition !== 'function') problems.push(`partitioner must be default, roundrobin or an object with partition() (got ${JSON.stringify(partitioner)})`);
  if (input.interceptors !== undefined && !(Array.isArray(input.interceptors) && input.interceptors.every((i) => typeof i === 'object' && i !== null))) problems.push('interceptors must be an array of objects');
  if (base.deliveryTimeoutMs < base.lingerMs + base.requestTimeoutMs) problems.push(`deliveryTimeoutMs (${base.deliveryTimeoutMs}) must be at least lingerMs + requestTimeoutMs (${base.lingerMs + base.requestTimeoutMs})`);
  if (problems.length > 0) throw new SamsaError(ErrorCode.INVALID_CONFIG, `invalid Producer options: ${problems.join('; ')}`);
  const bootstrapServers = parseBootstrapServers('Producer', input.bootstrapServers);
  return {
    ...base,
    bootstrapServers,
    acks: acks as number,
    idempotent: input.enableIdempotence ?? conflicts.length === 0,
    compression: COMPRESSION_CODECS[base.compressionType as CompressionName],
    keySerializer: resolveSerde<K>(input.keySerializer, 'buffer') as Serializer<K>,
    valueSerializer: resolveSerde<V>(input.valueSerializer, 'buffer') as Serializer<V>,
    partitioner: (typeof partitioner === 'string' ? (partitioner === 'roundrobin' ? new RoundRobinPartitioner() : new DefaultPartitioner({ random: () => (Math.random() * 0x100000000) | 0, batchSizeBytes: Math.max(1, base.batchSize) })) : partitioner) as Partitioner,
    interceptors: input.interceptors ?? [],
    logger: input.logger,
  };
}
