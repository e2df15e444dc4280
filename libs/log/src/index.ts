/**
 * @samsa/log: a partition replica's log on disk (spec/kafka-facts.md §5–8): segments with sparse
 * offset and time indexes, crash recovery, retention and compaction, the leader-epoch cache,
 * idempotent producer state and the aborted-transaction index — behind the LogStore port.
 */
export type { LogStore, AppendOptions, AppendResult, ReadOptions, ReadResult, TimestampOffset } from './log-store.js';
export { PartitionLog, type PartitionLogOptions } from './partition-log.js';
export { InMemoryLogStore } from './in-memory-log-store.js';
export { alignedBuffer } from './direct-io.js';
export { DEFAULT_LOG_CONFIG, logConfig, type LogConfig, type CleanupPolicy, type MessageTimestampType } from './log-config.js';
export { LeaderEpochCache, UNDEFINED_EPOCH_OFFSET, type EpochEntry } from './leader-epoch-cache.js';
export type { ProducerEntry, BatchMetadata } from './producer-state.js';
export type { AbortedTxn } from './txn-index.js';
export { planRetention, type RetentionPlan, type RetentionPolicy, type RetentionSegment } from './log-retention.js';
export { applyRetention, oneAtATime, startMaintenance, type MaintenanceCompaction, type MaintenanceHooks } from './log-maintenance.js';
export { compactLog, cleanableDirtyRatio, DEFAULT_OFFSET_MAP_BYTES, type CompactionResult, type CompactionOptions } from './log-cleaner.js';
