/**
 * The sticky assignment when every member subscribes to the same topics (Kafka
 * `AbstractStickyAssignor.ConstrainedAssignmentBuilder`, no racks; kafka-facts.md §4.3).
 *
 * With P partitions and N members: `minQuota = floor(P/N)`, `maxQuota = ceil(P/N)`, and exactly
 * `P mod N` members end with `maxQuota`. Balance is exact (max − min ≤ 1) whatever was owned.
 *
 * 1. Members in member-id order keep owned partitions sorted by (partition number, topic):
 *    fewer than minQuota → keep all, member is UNDER; at least maxQuota while fewer than
 *    `P mod N` members are over → keep maxQuota (when the last over-quota slot is taken, the
 *    EXACT list is cleared); otherwise keep minQuota, and while over-quota slots remain the
 *    member is EXACT (may still get one more).
 * 2. Remaining partitions in (topic, partition) order are dealt round robin over UNDER (a member
 *    reaching minQuota moves to the back of EXACT), then one each from the front of EXACT.
 *
 * Each member's list: kept partitions first (in keep order), then new ones in dealing order.
 * O(P log P) overall (sorting owned lists), no scans per partition.
 */
import type { GroupIndex } from './group-index.js';
import type { ResolvedClaims } from './owned-claims.js';

export function constrainedAssignment(index: GroupIndex, claims: ResolvedClaims): number[][] {
  const memberCount = index.members.length;
  const partitionCount = index.partitionCount;
  const assignment: number[][] = index.members.map(() => []);
  if (memberCount === 0) return assignment;
  const minQuota = Math.floor(partitionCount / memberCount);
  const maxQuota = Math.ceil(partitionCount / memberCount);
  const expectedOverMin = partitionCount % memberCount;
  let overMin = 0;

  const kept = new Uint8Array(partitionCount);
  const under: number[] = [];
  const exact: number[] = [];
  const topicCount = index.topics.length;
  const byPartitionThenTopic = (g: number) => index.partitionNumber(g) * topicCount + (index.partitionTopic[g] ?? 0);

  for (let m = 0; m < memberCount; m++) {
    const owned = [...(claims.owned[m] ?? [])].sort((a, b) => byPartitionThenTopic(a) - byPartitionThenTopic(b));
    let keep: number;
    if (owned.length < minQuota) {
      keep = owned.length;
      under.push(m);
    } else if (owned.length >= maxQuota && overMin < expectedOverMin) {
      keep = maxQuota;
      overMin++;
      if (overMin === expectedOverMin) exact.length = 0;
    } else {
      keep = minQuota;
      if (overMin < expectedOverMin) exact.push(m);
    }
    const list = assignment[m] ?? [];
    for (let i = 0; i < keep; i++) {
      const g = owned[i] ?? 0;
      list.push(g);
      kept[g] = 1;
    }
  }

  // Round robin over UNDER: `pass` is the current sweep, `stillUnder` collects members that are
  // still below minQuota for the next sweep (Kafka restarts its iterator over the same list).
  let pass = under;
  let position = 0;
  let stillUnder: number[] = [];
  let exactHead = 0;
  for (let g = 0; g < partitionCount; g++) {
    if (kept[g] === 1) continue;
    if (position === pass.length && stillUnder.length > 0) {
      pass = stillUnder;
      stillUnder = [];
      position = 0;
    }
    let member: number;
    let fromUnder: boolean;
    if (position < pass.length) {
      member = pass[position++] ?? 0;
      fromUnder = true;
    } else if (exactHead < exact.length) {
      member = exact[exactHead++] ?? 0;
      fromUnder = false;
    } else {
      throw new Error(`sticky assignment: no unfilled member left for partition ${g} (minQuota ${minQuota}, maxQuota ${maxQuota})`);
    }
    const list = assignment[member] ?? [];
    list.push(g);
    if (fromUnder) {
      if (list.length === minQuota) exact.push(member);
      else stillUnder.push(member);
    } else if (list.length === maxQuota) {
      overMin++;
    }
  }
  return assignment;
}
