/**
 * Topic configuration keys: Kafka's names and defaults (spec/kafka-facts.md §12), a one-line doc
 * each, and their validation. A topic stores only the keys set explicitly; every other key takes
 * the default here, which storage nodes apply the same way.
 *
 * Validation returns the value to store in a normal form (numbers as plain decimal, booleans in
 * lower case) or a one-line message naming the key. Cross-key rules (min.insync.replicas ≤ the
 * replication factor) are checked on the resulting configuration, so a change is judged on what
 * the topic would end up with.
 *
 * The controller validates (it decides what gets written); everyone who replays the log reads the
 * effective values with {@link effectiveConfig} / {@link effectiveConfigs}.
 */
import type { ConfigEntry } from '@samsa/proto';

export const RETENTION_MS = 'retention.ms';
export const RETENTION_BYTES = 'retention.bytes';
export const SEGMENT_BYTES = 'segment.bytes';
export const SEGMENT_MS = 'segment.ms';
export const CLEANUP_POLICY = 'cleanup.policy';
export const MIN_INSYNC_REPLICAS = 'min.insync.replicas';
export const UNCLEAN_LEADER_ELECTION_ENABLE = 'unclean.leader.election.enable';
export const MAX_MESSAGE_BYTES = 'max.message.bytes';
export const MESSAGE_TIMESTAMP_TYPE = 'message.timestamp.type';
export const COMPRESSION_TYPE = 'compression.type';

const INT32_MAX = 2_147_483_647;

/**
 * What a value check sees besides the value: the limits the controller's configuration sets
 * (its ControllerConfig satisfies this interface as is).
 */
export interface ConfigCheckContext {
  /** Smallest accepted segment.bytes. */
  readonly minSegmentBytes: number;
}

export interface TopicConfigDef {
  readonly name: string;
  readonly defaultValue: string;
  readonly documentation: string;
  /** The normalized value, or a message (without the key) saying what is wrong. */
  readonly check: (value: string, context: ConfigCheckContext) => { value: string } | { problem: string };
}

function integer(min: (context: ConfigCheckContext) => number, max = Number.MAX_SAFE_INTEGER): TopicConfigDef['check'] {
  return (value, context) => {
    const trimmed = value.trim();
    if (!/^[-+]?\d+$/.test(trimmed)) return { problem: `"${value}" is not an integer` };
    const parsed = Number(trimmed);
    const lowest = min(context);
    if (!Number.isSafeInteger(parsed)) return { problem: `${trimmed} is out of range` };
    if (parsed > max) return { problem: `${parsed} is above the maximum ${max}` };
    if (parsed < lowest) return { problem: `${parsed} is below the minimum ${lowest}` };
    return { value: String(parsed) };
  };
}

function oneOf(allowed: readonly string[]): TopicConfigDef['check'] {
  return (value) => (allowed.includes(value) ? { value } : { problem: `"${value}" is not one of ${allowed.join(' | ')}` });
}

function boolean(): TopicConfigDef['check'] {
  return (value) => {
    const lower = value.trim().toLowerCase();
    return lower === 'true' || lower === 'false' ? { value: lower } : { problem: `"${value}" is not true or false` };
  };
}

const DEFS: readonly TopicConfigDef[] = [
  {
    name: CLEANUP_POLICY,
    defaultValue: 'delete',
    documentation: 'delete old segments by time/size, compact to the latest value per key, or both',
    check: oneOf(['delete', 'compact', 'compact,delete', 'delete,compact']),
  },
  {
    name: COMPRESSION_TYPE,
    defaultValue: 'producer',
    documentation: "codec of stored batches; 'producer' keeps the producer's codec",
    check: oneOf(['producer', 'none', 'gzip', 'snappy', 'lz4', 'zstd']),
  },
  {
    name: MAX_MESSAGE_BYTES,
    defaultValue: '1048588',
    documentation: 'largest record batch the topic accepts, bytes',
    check: integer(() => 0, INT32_MAX),
  },
  {
    name: MESSAGE_TIMESTAMP_TYPE,
    defaultValue: 'CreateTime',
    documentation: "whether batch timestamps are the producer's (CreateTime) or the append time (LogAppendTime)",
    check: oneOf(['CreateTime', 'LogAppendTime']),
  },
  {
    name: MIN_INSYNC_REPLICAS,
    defaultValue: '1',
    documentation: 'in-sync replicas an acks=all produce needs, at most the replication factor',
    check: integer(() => 1, INT32_MAX),
  },
  {
    name: RETENTION_BYTES,
    defaultValue: '-1',
    documentation: 'size a partition may grow to before old segments are deleted, bytes; -1 = no limit',
    check: integer(() => -1),
  },
  {
    name: RETENTION_MS,
    defaultValue: '604800000',
    documentation: 'age after which old segments are deleted, ms; -1 = forever',
    check: integer(() => -1),
  },
  {
    name: SEGMENT_BYTES,
    defaultValue: '1073741824',
    documentation: 'size at which the active segment rolls, bytes',
    check: integer((context) => context.minSegmentBytes, INT32_MAX),
  },
  {
    name: SEGMENT_MS,
    defaultValue: '604800000',
    documentation: 'age at which the active segment rolls, ms',
    check: integer(() => 1),
  },
  {
    name: UNCLEAN_LEADER_ELECTION_ENABLE,
    defaultValue: 'false',
    documentation: 'whether an out-of-sync replica may become leader when no in-sync one is alive (data loss)',
    check: boolean(),
  },
];

/** Every topic configuration key, sorted by name. */
export const TOPIC_CONFIG_DEFS: ReadonlyMap<string, TopicConfigDef> = new Map(DEFS.map((def) => [def.name, def]));

/** The key fixed on internal topics: coordinators rely on compaction. */
export const INTERNAL_TOPIC_FIXED_KEYS: ReadonlySet<string> = new Set([CLEANUP_POLICY]);

/** Explicit configuration → effective value of `key` (the default when not set). */
export function effectiveConfig(explicit: ReadonlyMap<string, string>, key: string): string {
  const value = explicit.get(key) ?? TOPIC_CONFIG_DEFS.get(key)?.defaultValue;
  if (value === undefined) throw new Error(`unknown topic config key ${key}`);
  return value;
}

/** Explicit configuration → every key with its effective value (defaults applied), sorted by key. */
export function effectiveConfigs(explicit: ReadonlyMap<string, string>): Map<string, string> {
  for (const key of explicit.keys()) if (!TOPIC_CONFIG_DEFS.has(key)) throw new Error(`unknown topic config key ${key}`);
  return new Map([...TOPIC_CONFIG_DEFS.keys()].sort().map((key) => [key, effectiveConfig(explicit, key)]));
}

/** True when the topic allows an out-of-sync replica to become leader. */
export function isUncleanElectionEnabled(explicit: ReadonlyMap<string, string>): boolean {
  return effectiveConfig(explicit, UNCLEAN_LEADER_ELECTION_ENABLE) === 'true';
}

/** Checks one key and value; returns the normalized value or a one-line message naming the key. */
export function checkConfigEntry(name: string, value: string, context: ConfigCheckContext): { value: string } | { problem: string } {
  const def = TOPIC_CONFIG_DEFS.get(name);
  if (def === undefined) return { problem: `unknown topic config key "${name}"` };
  const result = def.check(value, context);
  return 'problem' in result ? { problem: `invalid value for ${name}: ${result.problem}` } : result;
}

/** Cross-key checks of a topic's resulting explicit configuration; a message or undefined. */
export function checkTopicConfig(explicit: ReadonlyMap<string, string>, replicationFactor: number): string | undefined {
  const minInsync = Number(effectiveConfig(explicit, MIN_INSYNC_REPLICAS));
  if (minInsync > replicationFactor) {
    return `invalid value for ${MIN_INSYNC_REPLICAS}: ${minInsync} is above the replication factor ${replicationFactor}`;
  }
  return undefined;
}

/**
 * Validates the configs of a new topic: known keys, each set at most once, valid values, then the
 * cross-key rules. Entries without a value mean "the default" and are dropped.
 */
export function validateNewTopicConfigs(
  entries: readonly ConfigEntry[],
  replicationFactor: number,
  context: ConfigCheckContext,
): { configs: Map<string, string> } | { problem: string } {
  const configs = new Map<string, string>();
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.name)) return { problem: `config key ${entry.name} is given twice` };
    seen.add(entry.name);
    if (entry.value === undefined) {
      if (!TOPIC_CONFIG_DEFS.has(entry.name)) return { problem: `unknown topic config key "${entry.name}"` };
      continue;
    }
    const checked = checkConfigEntry(entry.name, entry.value, context);
    if ('problem' in checked) return checked;
    configs.set(entry.name, checked.value);
  }
  const problem = checkTopicConfig(configs, replicationFactor);
  return problem === undefined ? { configs } : { problem };
}

/** Map → ConfigEntry list sorted by key (the form records and snapshots carry). */
export function toConfigEntries(configs: ReadonlyMap<string, string>): ConfigEntry[] {
  return [...configs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => ({ name, value }));
}
