/**
 * The sticky assignment when subscriptions differ (the role of Kafka's
 * `GeneralAssignmentBuilder`; kafka-facts.md §4.3 goals: balance first, then stickiness).
 *
 * "Balanced" for unequal subscriptions means no single move improves it: for every member `d`
 * and every topic `t` it holds a partition of, each member subscribed to `t` has at least
 * `count(d) − 1` partitions. (With equal subscriptions this is max − min ≤ 1.)
 *
 * 1. Keep: every member keeps all its valid owned partitions.
 * 2. Fill: unowned partitions go, topic by topic — topics with the fewest subscribers first —
 *    to the subscribed member with the fewest partitions (ties: member-id order).
 * 3. Balance: sweep members from most to fewest partitions; a member gives a partition of topic
 *    `t` to the least-loaded subscriber of `t` while that one has at least two fewer. It gives
 *    away partitions it did not own before first. Sweeps repeat until one makes no move. Every
 *    move lowers Σ count², so this terminates; the final sweep checked every member, so the
 *    result is balanced in the sense above.
 *
 * Cost: per-topic min-heaps of `(count, member)` with lazy updates (a member's entry is fixed
 * when it surfaces; a member whose count drops pushes a fresh entry), so a sweep costs
 * O(P log M) plus O(|topics of donor| log M) per move — no repeated full scans.
 *
 * Each member's list: kept partitions sorted by (partition number, topic), then the others in
 * (topic, partition) order.
 */
import type { GroupIndex } from './group-index.js';
import { MinHeap } from './min-heap.js';
import type { ResolvedClaims } from './owned-claims.js';

interface Holding {
  /** Partitions the member validly owned before this rebalance. */
  readonly kept: number[];
  /** Partitions it received in this rebalance; given away first. */
  readonly arrived: number[];
}

export function generalAssignment(index: GroupIndex, claims: ResolvedClaims): number[][] {
  const memberCount = index.members.length;
  const partitionCount = index.partitionCount;
  const owner = new Int32Array(partitionCount).fill(-1);
  const counts = new Int32Array(memberCount);
  /** Per member: topic → partitions of it the member holds. */
  const holdings: Map<number, Holding>[] = index.members.map(() => new Map());
  const pack = (m: number) => (counts[m] ?? 0) * memberCount + m;
  const give = (g: number, m: number) => {
    owner[g] = m;
    counts[m] = (counts[m] ?? 0) + 1;
    const t = index.partitionTopic[g] ?? 0;
    const held = holdings[m] ?? new Map<number, Holding>();
    let holding = held.get(t);
    if (holding === undefined) {
      holding = { kept: [], arrived: [] };
      held.set(t, holding);
    }
    (claims.validOwner[g] === m ? holding.kept : holding.arrived).push(g);
  };

  // 1. Keep.
  claims.owned.forEach((owned, m) => owned.forEach((g) => give(g, m)));

  // 2. Fill, most constrained topics first.
  const topicOrder = index.topics.map((_, t) => t).sort((a, b) => (index.topicMembers[a]?.length ?? 0) - (index.topicMembers[b]?.length ?? 0) || a - b);
  for (const t of topicOrder) {
    const eligible = index.topicMembers[t] ?? new Int32Array(0);
    if (eligible.length === 0) continue;
    const heap = new MinHeap(Array.from(eligible, pack));
    for (let g = index.topicOffset[t] ?? 0; g < (index.topicOffset[t + 1] ?? 0); g++) {
      if (owner[g] !== -1) continue;
      const m = (heap.peek() ?? 0) % memberCount;
      give(g, m);
      heap.replaceTop(pack(m));
    }
  }

  // 3. Balance.
  const topicHeaps = index.topics.map((_, t) => new MinHeap(Array.from(index.topicMembers[t] ?? [], pack)));
  /** Least-loaded subscriber of `t`, fixing stale heap entries on the way. */
  const leastLoaded = (t: number): number => {
    const heap = topicHeaps[t];
    for (;;) {
      const top = heap?.peek();
      if (heap === undefined || top === undefined) return -1;
      const m = top % memberCount;
      const entryCount = (top - m) / memberCount;
      const actual = counts[m] ?? 0;
      if (entryCount === actual) return m;
      if (entryCount < actual) heap.replaceTop(pack(m));
      else heap.pop(); // a fresher, lower entry for m exists
    }
  };
  /** Moves one partition of topic `t` from `from` to `to`: one that `from` did not own before, if any. */
  const move = (t: number, from: number, to: number) => {
    const holding = holdings[from]?.get(t);
    if (holding === undefined) return;
    const g = holding.arrived.pop() ?? holding.kept.pop() ?? 0;
    if (holding.arrived.length + holding.kept.length === 0) holdings[from]?.delete(t);
    counts[from] = (counts[from] ?? 0) - 1;
    give(g, to);
    for (const topic of index.memberTopics[from] ?? []) topicHeaps[topic]?.push(pack(from));
  };

  const members = Array.from({ length: memberCount }, (_, m) => m);
  for (let moved = true; moved; ) {
    moved = false;
    members.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || a - b);
    for (const donor of members) {
      for (;;) {
        const donorCount = counts[donor] ?? 0;
        let recipient = -1;
        let recipientTopic = -1;
        for (const t of holdings[donor]?.keys() ?? []) {
          const candidate = leastLoaded(t);
          if (candidate < 0 || (counts[candidate] ?? 0) > donorCount - 2) continue;
          if (recipient < 0 || (counts[candidate] ?? 0) < (counts[recipient] ?? 0)) {
            recipient = candidate;
            recipientTopic = t;
          }
        }
        if (recipient < 0) break;
        move(recipientTopic, donor, recipient);
        moved = true;
      }
    }
  }

  return buildLists(index, claims, owner);
}

function buildLists(index: GroupIndex, claims: ResolvedClaims, owner: Int32Array): number[][] {
  const topicCount = index.topics.length;
  const byPartitionThenTopic = (g: number) => index.partitionNumber(g) * topicCount + (index.partitionTopic[g] ?? 0);
  const lists = index.members.map((_, m) =>
    (claims.owned[m] ?? []).filter((g) => owner[g] === m).sort((a, b) => byPartitionThenTopic(a) - byPartitionThenTopic(b)),
  );
  for (let g = 0; g < owner.length; g++) {
    const m = owner[g] ?? -1;
    if (m >= 0 && claims.validOwner[g] !== m) lists[m]?.push(g);
  }
  return lists;
}
