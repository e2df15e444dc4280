/**
 * Member order for the range and roundrobin assignors (Kafka `MemberInfo.compareTo`): static
 * members (with a `group.instance.id`) first, sorted by instance id; then dynamic members sorted
 * by member id. Static members therefore keep their place — and their partitions — when they
 * restart with a new member id.
 *
 * Also the input checks every assignor shares.
 */
import { compareStrings, type GroupMember, type PartitionsPerTopic } from './types.js';

export function compareMembers(a: GroupMember, b: GroupMember): number {
  const aStatic = a.groupInstanceId ?? null;
  const bStatic = b.groupInstanceId ?? null;
  if (aStatic !== null && bStatic !== null) return compareStrings(aStatic, bStatic) || compareStrings(a.memberId, b.memberId);
  if (aStatic !== null) return -1;
  if (bStatic !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/** Throws on duplicate member ids or invalid partition counts (broken caller invariants). */
export function validateInput(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic): void {
  const seen = new Set<string>();
  for (const member of members) {
    if (seen.has(member.memberId)) throw new Error(`duplicate member id ${member.memberId}`);
    seen.add(member.memberId);
  }
  for (const [topic, count] of partitionsPerTopic) {
    if (!Number.isInteger(count) || count < 0) throw new Error(`invalid partition count ${count} for topic ${topic}`);
  }
}
