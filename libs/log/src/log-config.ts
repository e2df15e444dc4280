/**
 * LogConfig: the per-partition settings the log obeys, with Kafka's names (camelCased, units in
 * the name) and Kafka's defaults (spec/kafka-facts.md §12). Topic configs override them.
 *
 * Flushing is a policy (DESIGN §6): by default the log relies on replication and fsyncs on an
 * interval (`flushMs`, 1 s here where Kafka leaves it to the OS); `flushMessages = 1` fsyncs
 * before every append returns (with concurrent appends sharing one fsync).
 */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type MessageTimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** Roll a new segment when the active one would exceed this size. */
  segmentBytes: number;
  /** Roll a new segment when the active one's first record is older than this. */
  segmentMs: number;
  /** Maximum size of a segment's offset index; the time index holds as many entries. */
  segmentIndexBytes: number;
  /** Bytes of batches between two sparse index entries. */
  indexIntervalBytes: number;
  /** Delete whole old segments once their newest record is older than this; -1 = never. */
  retentionMs: number;
  /** Delete old segments while the log is larger than this; -1 = unlimited. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  /** How long compaction keeps a tombstone (null value) after the segment holding it was cleaned. */
  deleteRetentionMs: number;
  /** Compaction runs when at least this share of the cleanable log is dirty (not yet compacted). */
  minCleanableDirtyRatio: number;
  /** fsync after this many messages (records) since the last fsync; 1 = every append. */
  flushMessages: number;
  /** fsync when the oldest unflushed append is this old. */
  flushMs: number;
  /** Largest batch accepted (MESSAGE_TOO_LARGE above). */
  maxMessageBytes: number;
  messageTimestampType: MessageTimestampType;
  /** Producer state of a producer id without writes for this long is dropped. */
  producerIdExpirationMs: number;
  /** Period of retention, compaction and producer-expiry checks. */
  retentionCheckIntervalMs: number;
  /**
   * Not a Kafka setting: append, and read into aligned fetch buffers, with O_DIRECT, bypassing the
   * page cache (direct-io.ts); falls back to buffered I/O where the file system refuses it.
   */
  directIo: boolean;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1_073_741_824,
  segmentMs: 604_800_000,
  segmentIndexBytes: 10_485_760,
  indexIntervalBytes: 4096,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: 1000,
  maxMessageBytes: 1_048_588,
  messageTimestampType: 'CreateTime',
  producerIdExpirationMs: 86_400_000,
  retentionCheckIntervalMs: 300_000,
  directIo: true,
});

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

/** What a segment needs to know of the config. */
export function segmentOptions(config: LogConfig) {
  return { indexIntervalBytes: config.indexIntervalBytes, segmentIndexBytes: config.segmentIndexBytes, offsetGapsAllowed: config.cleanupPolicy !== 'delete', directIo: config.directIo };
}
