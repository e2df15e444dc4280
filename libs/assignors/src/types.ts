/**
 * The vocabulary every assignor shares, on the client (classic protocol: the group leader runs
 * the assignor) and in the group coordinator (server-side assignment).
 *
 * Shapes mirror Kafka's `ConsumerPartitionAssignor` and the ConsumerProtocol payloads:
 * a {@link Subscription} is what a member sends in JoinGroup (topics, owned partitions, the
 * generation they were owned in, opaque user data), an {@link Assignment} what it receives in
 * SyncGroup. Invariants an assignor guarantees for its {@link GroupAssignment}:
 * - every member given as input appears in the output (possibly with no partitions);
 * - a partition goes only to a member subscribed to its topic, and to at most one member;
 * - partitions of topics without metadata (absent from `partitionsPerTopic`) are never assigned.
 *
 * Ordering: member ids and topic names compare by UTF-16 code units (JavaScript `<`), which is
 * Java's `String.compareTo` — never `localeCompare`.
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A member's subscription (ConsumerProtocolSubscription v0–v3 fields). */
export interface Subscription {
  /** Topics the member subscribes to. */
  readonly topics: readonly string[];
  /** Assignor-specific bytes (for `sticky`: its previous assignment + generation); null if none. */
  readonly userData?: Uint8Array | null;
  /** Partitions the member owns now (v1+; empty under the eager protocol, which revokes first). */
  readonly ownedPartitions?: readonly TopicPartition[];
  /** Generation in which `ownedPartitions` were assigned (v2+); −1 or absent when unknown. */
  readonly generationId?: number;
  /** The member's `client.rack` (v3+); carried, not used by the built-in assignors. */
  readonly rackId?: string | null;
}

/** One member of the group as the assignor sees it. */
export interface GroupMember {
  /** Coordinator-assigned member id; unique within the group. */
  readonly memberId: string;
  /** `group.instance.id` of a static member; null/absent for a dynamic member. */
  readonly groupInstanceId?: string | null;
  readonly subscription: Subscription;
}

/** Partition count per topic, from metadata; topics missing here are skipped. */
export type PartitionsPerTopic = ReadonlyMap<string, number>;

/** What one member receives (ConsumerProtocolAssignment fields). */
export interface Assignment {
  readonly partitions: readonly TopicPartition[];
  readonly userData: Uint8Array | null;
}

/** Member id → assignment; one entry per input member, in input order. */
export type GroupAssignment = Map<string, Assignment>;

/** Kafka `RebalanceProtocol`: eager revokes everything before a rebalance, cooperative only what moves. */
export type RebalanceProtocol = 'eager' | 'cooperative';

/** What a member knows about itself when it builds its subscription's user data. */
export interface SubscriptionContext {
  readonly topics: readonly string[];
  /** The partitions assigned to the member in its last completed rebalance. */
  readonly currentAssignment: readonly TopicPartition[];
  /** The generation of that rebalance; −1 before the first one. */
  readonly generationId: number;
}

/** A consumer partition assignor (Kafka `ConsumerPartitionAssignor`). Implementations are stateless. */
export interface PartitionAssignor {
  /** Protocol name in JoinGroup, e.g. `"range"`, `"cooperative-sticky"`. */
  readonly name: string;
  /** Supported protocols, preferred first. */
  readonly supportedProtocols: readonly RebalanceProtocol[];
  /** The user data a member puts in its subscription; absent/null when the assignor needs none. */
  subscriptionUserData?(context: SubscriptionContext): Uint8Array | null;
  /** Computes the group's assignment; pure — same input, same output. */
  assign(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic): GroupAssignment;
}

export function topicPartition(topic: string, partition: number): TopicPartition {
  return { topic, partition };
}

/** Java `String.compareTo` order (UTF-16 code units). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** By topic, then partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

/** `topic-partition`, as Kafka prints a TopicPartition. */
export function formatTopicPartition(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
