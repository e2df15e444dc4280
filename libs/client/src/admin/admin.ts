/**
 * Admin: Kafka's AdminClient for Samsa (method names camelCased). A thin facade: options are
 * validated once here; each operation lives in its module (topics, configs, offsets, cluster).
 *
 * Every call has a deadline (`timeoutMs`, else requestTimeoutMs) covering its retries: retriable
 * failures (NOT_CONTROLLER, NETWORK_EXCEPTION, LEADER_NOT_AVAILABLE, NOT_LEADER_OR_FOLLOWER, ...)
 * are retried with backoff within it; others reject with a SamsaError naming the topic or
 * partition. A batch call where some items fail rejects with an AdminBatchError holding every
 * item's outcome.
 *
 * Concurrency: calls may run concurrently; they share one Connection (channels, metadata cache).
 * After `close()`, every call — new or in flight — fails with "the admin client was closed".
 */
import { isSamsaError, SamsaError, silentLogger, type Logger } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import type { TopicInfo } from '../connection/cluster-metadata.js';
import { Connection } from '../connection/connection.js';
import { connectionOptionSpec, parseBootstrapServers, resolveOptions } from '../options.js';
import { AdminContext } from './admin-context.js';
import { adminClosedError } from './admin-errors.js';
import type {
  AdminCallOptions,
  AdminOptions,
  AlterConfigsOptions,
  ClusterDescription,
  ConfigAlteration,
  ConfigResource,
  ConfigResourceDescription,
  CreatedPartitions,
  CreatedTopic,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DeletedRecords,
  DeletedTopic,
  DescribeConfigsOptions,
  ElectedLeader,
  ElectLeadersRequest,
  ListedOffset,
  ListOffsetsOptions,
  ListTopicsOptions,
  NewTopic,
  OffsetQuery,
  RecordsToDelete,
} from './admin-types.js';
import { describeCluster, electLeaders } from './cluster.js';
import { alterConfigs, describeConfigs } from './configs.js';
import { deleteRecords, listOffsets } from './offsets.js';
import { createPartitions, createTopics, deleteTopics, describeTopics, listTopics } from './topics.js';

const OWNER = 'Admin';
const INVALID_PREFIX = `invalid ${OWNER} options: `;

function isLogger(value: unknown): value is Logger {
  const candidate = value as Partial<Logger> | null;
  return typeof candidate === 'object' && candidate !== null && ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child'].every((key) => typeof candidate[key as keyof Logger] === 'function');
}

/** Every problem of `input` in one INVALID_CONFIG SamsaError; the connection config when none. */
export function resolveAdminOptions(input: AdminOptions) {
  const problems: string[] = [];
  const attempt = <T>(validate: () => T): T | undefined => {
    try {
      return validate();
    } catch (error) {
      if (!isSamsaError(error)) throw error;
      problems.push(error.message.startsWith(INVALID_PREFIX) ? error.message.slice(INVALID_PREFIX.length) : error.message);
      return undefined;
    }
  };
  const source: object = typeof input === 'object' && input !== null ? input : {};
  const bootstrapServers = attempt(() => parseBootstrapServers(OWNER, (source as Partial<AdminOptions>).bootstrapServers));
  const resolved = attempt(() => resolveOptions(OWNER, connectionOptionSpec, source, ['bootstrapServers', 'logger']));
  const logger = (source as Partial<AdminOptions>).logger;
  if (logger !== undefined && !isLogger(logger)) problems.push('logger must be a Logger (trace, debug, info, warn, error, fatal, child)');
  if (problems.length > 0 || !bootstrapServers || !resolved) throw new SamsaError(ErrorCode.INVALID_CONFIG, `${INVALID_PREFIX}${problems.join('; ')}`);
  return { ...resolved, bootstrapServers, logger: logger ?? silentLogger };
}

export class Admin {
  private readonly connection: Connection;
  private readonly context: AdminContext;
  private closed = false;

  constructor(options: AdminOptions) {
    const config = resolveAdminOptions(options);
    this.connection = new Connection(config);
    this.context = new AdminContext(this.connection, config.logger.child({ component: 'Admin', clientId: config.clientId }));
  }

  /** Creates topics; with `waitForLeaders` (default) resolves once every new partition has a serving leader. */
  createTopics(topics: readonly NewTopic[], options?: CreateTopicsOptions): Promise<CreatedTopic[]> {
    return this.run(() => createTopics(this.context, topics, options));
  }

  deleteTopics(topics: readonly string[], options?: AdminCallOptions): Promise<DeletedTopic[]> {
    return this.run(() => deleteTopics(this.context, topics, options));
  }

  /** Raises topics' partition counts to the given totals, e.g. `{ orders: 12 }`. */
  createPartitions(newTotals: Readonly<Record<string, number>>, options?: CreatePartitionsOptions): Promise<CreatedPartitions[]> {
    return this.run(() => createPartitions(this.context, newTotals, options));
  }

  /** Topic names, sorted; internal topics only with `includeInternal`. */
  listTopics(options?: ListTopicsOptions): Promise<string[]> {
    return this.run(() => listTopics(this.context, options));
  }

  describeTopics(topics: readonly string[], options?: AdminCallOptions): Promise<TopicInfo[]> {
    return this.run(() => describeTopics(this.context, topics, options));
  }

  describeCluster(options?: AdminCallOptions): Promise<ClusterDescription> {
    return this.run(() => describeCluster(this.context, options));
  }

  describeConfigs(resources: readonly ConfigResource[], options?: DescribeConfigsOptions): Promise<ConfigResourceDescription[]> {
    return this.run(() => describeConfigs(this.context, resources, options));
  }

  /** Incremental: `{ key: 'value' }` sets a key, `{ key: null }` removes it; other keys keep their value. */
  alterConfigs(alterations: readonly ConfigAlteration[], options?: AlterConfigsOptions): Promise<void> {
    return this.run(() => alterConfigs(this.context, alterations, options));
  }

  /** Offsets by spec, one ListOffsets per leader node; results in request order. */
  listOffsets(queries: readonly OffsetQuery[], options?: ListOffsetsOptions): Promise<ListedOffset[]> {
    return this.run(() => listOffsets(this.context, queries, options));
  }

  /** Deletes the records below each offset; resolves with the new low watermarks. */
  deleteRecords(targets: readonly RecordsToDelete[], options?: AdminCallOptions): Promise<DeletedRecords[]> {
    return this.run(() => deleteRecords(this.context, targets, options));
  }

  electLeaders(request: ElectLeadersRequest, options?: AdminCallOptions): Promise<ElectedLeader[]> {
    return this.run(() => electLeaders(this.context, request, options));
  }

  /** Closes every channel; calls in flight and later calls fail with "the admin client was closed". Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.connection.close();
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw adminClosedError();
    try {
      return await operation();
    } catch (error) {
      if (this.closed) throw adminClosedError(error);
      throw error;
    }
  }
}
