/**
 * Topic name rules (Kafka `Topic.validate`) and the internal topics that hold coordinator shards.
 *
 * A name is 1..249 characters of [a-zA-Z0-9._-], not "." or "..". Two names that differ only by
 * '.' versus '_' collide (Kafka: metric names replace '.' with '_'), so they cannot coexist.
 */
import { controller } from '@samsa/proto';

export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;

/** The group coordinator's shard topic. */
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
/** The transaction coordinator's shard topic. */
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** The coordinator kinds that exist, in a fixed order. */
export const COORDINATOR_KINDS: readonly controller.CoordinatorKind[] = [
  controller.CoordinatorKind.COORDINATOR_KIND_GROUP,
  controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION,
];

/** Why `name` is not a legal topic name, or undefined when it is. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name "${name}" is not allowed`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is ${name.length} characters long, more than ${MAX_TOPIC_NAME_LENGTH}`;
  if (!LEGAL_NAME.test(name)) return `topic name "${name}" has characters other than [a-zA-Z0-9._-]`;
  return undefined;
}

/** The form under which colliding names are equal. */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_');
}

/** True for a kind that exists (not UNSPECIFIED nor an unknown number). */
export function isCoordinatorKind(kind: controller.CoordinatorKind): boolean {
  return COORDINATOR_KINDS.includes(kind);
}

/** The internal topic whose partitions are the shards of `kind`. */
export function shardTopicOf(kind: controller.CoordinatorKind): string {
  switch (kind) {
    case controller.CoordinatorKind.COORDINATOR_KIND_GROUP:
      return CONSUMER_OFFSETS_TOPIC;
    case controller.CoordinatorKind.COORDINATOR_KIND_TRANSACTION:
      return TRANSACTION_STATE_TOPIC;
    default:
      throw new Error(`no shard topic for coordinator kind ${String(kind)}`);
  }
}

/** The coordinator kind whose shards `topic` holds, or undefined for an ordinary topic. */
export function coordinatorKindOfTopic(topic: string): controller.CoordinatorKind | undefined {
  return COORDINATOR_KINDS.find((kind) => shardTopicOf(kind) === topic);
}

/** Java's String.hashCode over UTF-16 code units, with int32 wrap-around. */
export function javaStringHash(key: string): number {
  let hash = 0;
  for (let index = 0; index < key.length; index++) hash = (Math.imul(31, hash) + key.charCodeAt(index)) | 0;
  return hash;
}

/**
 * The shard of a group id or transactional id: abs(javaStringHash(key)) % shardCount, with
 * Kafka's Utils.abs (INT32_MIN → 0) (spec/kafka-facts.md §9.1).
 */
export function coordinatorShardOf(key: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error(`bad shard count ${shardCount}`);
  const hash = javaStringHash(key);
  return (hash === -2_147_483_648 ? 0 : Math.abs(hash)) % shardCount;
}
