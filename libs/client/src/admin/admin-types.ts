/**
 * The public shapes of Admin's requests and results (Kafka AdminClient's, camelCased). Plain
 * data: the modules translate them to and from the proto messages, so callers never see proto
 * enums or wire defaults (-1 for "cluster default", 0 for "unset").
 */
import type { NodeInfo } from '../connection/cluster-metadata.js';
import type { ConnectionOptions } from '../options.js';

/** The Admin takes only the shared connection options. */
export type AdminOptions = ConnectionOptions;

/** Options every call takes. */
export interface AdminCallOptions {
  /** Deadline of this call, retries included, ms; default requestTimeoutMs. */
  timeoutMs?: number;
}

export interface NewTopic {
  topic: string;
  /** Default: the cluster's num.partitions. Leave unset with replicaAssignment. */
  numPartitions?: number;
  /** Default: the cluster's default.replication.factor. Leave unset with replicaAssignment. */
  replicationFactor?: number;
  /** Explicit placement: partitions 0..n-1 each once, replicas in preference order. */
  replicaAssignment?: ReadonlyArray<{ partition: number; replicas: readonly number[] }>;
  /** Topic configuration, e.g. `{ 'retention.ms': '3600000' }`; other keys take the default. */
  configs?: Readonly<Record<string, string>>;
}

export interface CreateTopicsOptions extends AdminCallOptions {
  /** Run every check and report the outcome without creating anything. */
  validateOnly?: boolean;
  /** Resolve only once every partition of the new topics has a serving leader; default true. */
  waitForLeaders?: boolean;
}

export interface CreatedTopic {
  topic: string;
  /** Empty with validateOnly. */
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
}

export interface DeletedTopic {
  topic: string;
  topicId: string;
}

export interface CreatePartitionsOptions extends AdminCallOptions {
  validateOnly?: boolean;
  /** Resolve only once every partition of the grown topics has a serving leader; default true. */
  waitForLeaders?: boolean;
}

export interface CreatedPartitions {
  topic: string;
  /** The topic's partition count now (what was asked for). */
  totalCount: number;
}

export interface ListTopicsOptions extends AdminCallOptions {
  /** Include `__consumer_offsets` and `__transaction_state`; default false. */
  includeInternal?: boolean;
}

export interface ClusterNodeDescription extends NodeInfo {
  /** True while the controller keeps the node fenced (it leads nothing). */
  fenced: boolean;
}

export interface ClusterDescription {
  clusterId: string;
  controller: NodeInfo;
  /** Every registered storage node, fenced ones included, by node id. */
  nodes: ClusterNodeDescription[];
}

export type ConfigResourceType = 'topic';

export interface ConfigResource {
  type: ConfigResourceType;
  name: string;
  /** Keys to describe; default every key. */
  configNames?: readonly string[];
}

export interface DescribeConfigsOptions extends AdminCallOptions {
  /** Fill each entry's `documentation`. */
  includeDocumentation?: boolean;
}

/** `resource`: set on the resource itself; `default`: the cluster default applies. */
export type ConfigSourceName = 'resource' | 'default' | 'unknown';

export interface ConfigEntryDescription {
  name: string;
  /** The effective value, as a string (Kafka's convention). */
  value: string;
  source: ConfigSourceName;
  isDefault: boolean;
  /** Empty unless includeDocumentation was set. */
  documentation: string;
}

export interface ConfigResourceDescription {
  type: ConfigResourceType;
  name: string;
  /** Sorted by name. */
  entries: ConfigEntryDescription[];
}

/** An incremental change: a string sets the key, `null` removes it (back to the default). */
export interface ConfigAlteration {
  type: ConfigResourceType;
  name: string;
  configs: Readonly<Record<string, string | null>>;
}

export interface AlterConfigsOptions extends AdminCallOptions {
  validateOnly?: boolean;
}

export type OffsetSpec = 'earliest' | 'latest' | 'maxTimestamp' | { timestamp: number };

export interface OffsetQuery {
  topic: string;
  partition: number;
  spec: OffsetSpec;
}

export interface ListOffsetsOptions extends AdminCallOptions {
  /** `read_committed` makes `latest` the last stable offset; default `read_uncommitted`. */
  isolationLevel?: 'read_uncommitted' | 'read_committed';
}

export interface ListedOffset {
  topic: string;
  partition: number;
  /** -1 when no record matches a timestamp query. */
  offset: number;
  /** Timestamp of the record found (ms since the Unix epoch); -1 for earliest/latest and no match. */
  timestamp: number;
  /** Leader epoch of the batch holding `offset`; -1 when unknown. */
  leaderEpoch: number;
}

export interface RecordsToDelete {
  topic: string;
  partition: number;
  /** Records below this offset are deleted; -1 = the high watermark. */
  offset: number;
}

export interface DeletedRecords {
  topic: string;
  partition: number;
  /** The partition's new log start offset. */
  lowWatermark: number;
}

export interface ElectLeadersRequest {
  type: 'preferred' | 'unclean';
  /** Default: every partition that needs this election. */
  partitions?: ReadonlyArray<{ topic: string; partition: number }>;
}

export interface ElectedLeader {
  topic: string;
  partition: number;
  /** False when no election was needed (the preferred replica already leads, or a leader exists). */
  elected: boolean;
}
