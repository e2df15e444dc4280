/**
 * Configuration keys of the controller (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/controller/dist/main.js --help`). Kafka's names, camelCased, units in the name.
 */
import { booleanKey, enumKey, intKey, listKey, stringKey } from '@samsa/common';
import { serviceConfigKeys } from '@samsa/service-kit';

const ms = (doc: string, defaultMs: number, min = 1) => intKey({ doc, default: defaultMs, unit: 'ms', min, max: 86_400_000 });
const count = (doc: string, value: number, min = 1, max = 100_000) => intKey({ doc, default: value, min, max });

export const controllerConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9093, adminPort: 9193 }),
  controllerId: count('This controller id (DescribeCluster); unique among controllers', 0, 0, 2_147_483_647),
  advertisedHost: stringKey({ doc: 'Host clients use to reach this controller; empty = the listen host', default: '' }),
  metadataStore: enumKey(['embedded', 'etcd'], { doc: 'Where cluster metadata lives: embedded (single machine) or etcd (clusters, failover)', default: 'embedded' }),
  dataDir: stringKey({ doc: 'Directory of the embedded metadata store', default: './data/controller', nonEmpty: true }),
  etcdEndpoints: listKey({ doc: 'etcd client URLs, comma-separated (metadataStore=etcd)', default: [] }),
  electionTtlMs: ms('Lease of the controller election: a dead active controller is replaced after about this long', 5000, 1000),
  brokerSessionTimeoutMs: ms('broker.session.timeout.ms: a storage node silent this long is fenced', 9000),
  brokerHeartbeatIntervalMs: ms('broker.heartbeat.interval.ms told to storage nodes', 2000),
  coordinatorSessionTimeoutMs: ms('A coordinator instance silent this long loses its shards', 9000),
  coordinatorHeartbeatIntervalMs: ms('Heartbeat interval told to coordinator instances', 2000),
  livenessCheckIntervalMs: ms('How often sessions are checked for expiry', 1000),
  numPartitions: count('num.partitions: partitions of a topic created without a count', 1),
  defaultReplicationFactor: count('default.replication.factor: replicas of a topic created without a factor', 1),
  offsetsTopicNumPartitions: count('offsets.topic.num.partitions: shards of __consumer_offsets', 50),
  transactionStateLogNumPartitions: count('transaction.state.log.num.partitions: shards of __transaction_state', 50),
  internalTopicReplicationFactor: count('Replication factor of the internal topics (capped at the active storage nodes)', 3),
  internalTopicsMinActiveNodes: count('Active storage nodes needed before the internal topics are created', 1),
  minSegmentBytes: count('Smallest segment.bytes a topic may set', 1_048_576, 1, 2_147_483_647),
  deleteTopicEnable: booleanKey({ doc: 'delete.topic.enable', default: true }),
  metadataSnapshotEveryRecords: count('Write a metadata snapshot (and drop older records) after this many records', 1000, 10),
};
