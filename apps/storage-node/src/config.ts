/**
 * Configuration keys of the storage node (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/storage-node/dist/main.js --help`). Kafka's names, camelCased, units in the name.
 */
import { booleanKey, intKey, stringKey } from '@samsa/common';
import { DEFAULT_OFFSET_MAP_BYTES } from '@samsa/log';
import { serviceConfigKeys } from '@samsa/service-kit';

const ms = (doc: string, value: number, min = 1) => intKey({ doc, default: value, unit: 'ms', min, max: 86_400_000 });

export const storageNodeConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9092, adminPort: 9192 }),
  nodeId: intKey({ doc: 'node.id: this storage node id, unique in the cluster', default: 1, min: 0, max: 2_147_483_647 }),
  dataDir: stringKey({ doc: 'log.dirs: where partition logs live', default: './data/storage-node', nonEmpty: true }),
  logDirectIo: booleanKey({ doc: 'Append to and stream-read segment files with O_DIRECT, bypassing the page cache (buffered where the file system refuses it)', default: true }),
  logCleanerDedupeBufferSize: intKey({ doc: 'log.cleaner.dedupe.buffer.size: memory of the key → offset map one compaction builds (logs compact one at a time); when full, a run cleans the part it mapped and the next run goes on', default: DEFAULT_OFFSET_MAP_BYTES, unit: 'bytes', min: 1_048_576, max: 64 * 1024 * 1_048_576 }),
  controllerAddress: stringKey({ doc: 'host:port of the controller', default: '127.0.0.1:9093', nonEmpty: true }),
  rack: stringKey({ doc: 'broker.rack: failure domain used to spread replicas', default: '' }),
  advertisedHost: stringKey({ doc: 'Host clients and other nodes use to reach this node; empty = the listen host', default: '' }),
  replicaLagTimeMaxMs: ms('replica.lag.time.max.ms: a follower not caught up for this long leaves the ISR', 30_000),
  replicaFetchWaitMaxMs: ms('replica.fetch.wait.max.ms: long-poll wait of follower fetches', 500),
  replicaFetchMaxBytes: intKey({ doc: 'replica.fetch.max.bytes: per-partition bytes per follower fetch', default: 1_048_576, unit: 'bytes', min: 1024, max: 64 * 1_048_576 }),
  isrCheckIntervalMs: ms('How often leaders check their followers for ISR changes', 250),
  queuedMaxRequests: intKey({ doc: 'queued.max.requests: produce requests one ProduceStream processes at once; beyond it the stream stops reading (HTTP/2 flow control holds the producer back)', default: 500, min: 1, max: 100_000 }),
  queuedMaxRequestBytes: intKey({ doc: 'queued.max.request.bytes: record bytes of produce requests the node processes at once, over all streams; beyond it streams stop reading', default: 256 * 1_048_576, unit: 'bytes', min: 1, max: 16 * 1024 * 1_048_576 }),
  heapGrowingPercent: intKey({ doc: 'How far the V8 heap may grow past its live size before the next full GC, in percent; 0 lets V8 decide (see adapters/heap-tuning.ts)', default: 300, unit: 'percent', min: 0, max: 1000 }),
  controlledShutdownTimeoutMs: ms('How long SIGTERM waits for leadership to move away before stopping', 30_000),
};
