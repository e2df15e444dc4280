// Property tests of the sticky assignors over random groups (kafka-facts.md §4.3 goals).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkValid,
  counts,
  noImprovingMove,
  randomGroup,
  randomGroupWithClaims,
  withOwned,
  type RandomGroup,
} from './__tests__/group-fixture.js';
import { CooperativeStickyAssignor } from './cooperative-sticky-assignor.js';
import { encodeStickyUserData } from './protocol/sticky-user-data.js';
import { StickyAssignor } from './sticky-assignor.js';
import { formatTopicPartition, type GroupAssignment, type GroupMember, type PartitionsPerTopic } from './types.js';

const sticky = new StickyAssignor();
const cooperative = new CooperativeStickyAssignor();
const RUNS = { numRuns: 200 };

const spread = (assignment: GroupAssignment) => Math.max(...counts(assignment)) - Math.min(...counts(assignment));

/** Eager members carry their previous assignment in user data (and own nothing, having revoked all). */
function eagerRejoin(members: readonly GroupMember[], assignment: GroupAssignment, generation: number): GroupMember[] {
  return members.map((m) => ({
    ...m,
    subscription: {
      topics: m.subscription.topics,
      userData: encodeStickyUserData({ previousAssignment: assignment.get(m.memberId)?.partitions ?? [], generation }),
    },
  }));
}

/**
 * Runs cooperative rebalances until the assignment stops changing (at most `maxRounds`), checking
 * in every round that no partition is given to a member while another member still owns it.
 * Returns the settled assignment and the number of rounds.
 */
function settleCooperative(start: readonly GroupMember[], partitions: PartitionsPerTopic, firstGeneration: number, maxRounds = 6) {
  let members = [...start];
  for (let round = 1; round <= maxRounds; round++) {
    const assignment = cooperative.assign(members, partitions);
    expectNoDoubleOwnership(members, assignment);
    checkValid(members, partitions, assignment, false);
    const unchanged = members.every((m) => sameList(m.subscription.ownedPartitions ?? [], assignment.get(m.memberId)?.partitions ?? []));
    if (unchanged && round > 1) return { assignment, rounds: round };
    members = withOwned(members, assignment, firstGeneration + round);
  }
  throw new Error(`cooperative assignment did not settle within ${maxRounds} rounds`);
}

function sameList(a: readonly { topic: string; partition: number }[], b: readonly { topic: string; partition: number }[]): boolean {
  const keys = (list: typeof a) => list.map(formatTopicPartition).sort().join(',');
  return keys(a) === keys(b);
}

/** Every partition given to m is not currently owned by anyone else (all owners in one generation). */
function expectNoDoubleOwnership(members: readonly GroupMember[], assignment: GroupAssignment): void {
  const ownerOf = new Map<string, string>();
  for (const m of members) for (const p of m.subscription.ownedPartitions ?? []) ownerOf.set(formatTopicPartition(p), m.memberId);
  for (const [memberId, { partitions }] of assignment) {
    for (const p of partitions) {
      const owner = ownerOf.get(formatTopicPartition(p));
      if (owner !== undefined && owner !== memberId) throw new Error(`${formatTopicPartition(p)} given to ${memberId} while ${owner} owns it`);
    }
  }
}

function removeOne(group: RandomGroup, index: number): GroupMember[] {
  return group.members.filter((_, i) => i !== index % group.members.length);
}

describe('sticky: validity and balance', () => {
  it('assigns every subscribed partition exactly once, only to a subscriber, whatever members claim', () => {
    fc.assert(
      fc.property(fc.boolean().chain((equalSubscriptions) => randomGroupWithClaims({ equalSubscriptions })), ({ members, partitions }) => {
        checkValid(members, partitions, sticky.assign(members, partitions), true);
      }),
      RUNS,
    );
  });

  it('is balanced (max − min ≤ 1) when subscriptions are equal, whatever members claim', () => {
    fc.assert(
      fc.property(randomGroupWithClaims({ equalSubscriptions: true }), ({ members, partitions }) => {
        expect(spread(sticky.assign(members, partitions))).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('leaves no improving move when subscriptions differ', () => {
    fc.assert(
      fc.property(randomGroupWithClaims({ equalSubscriptions: false }), ({ members, partitions }) => {
        expect(noImprovingMove(members, sticky.assign(members, partitions))).toBe(true);
      }),
      RUNS,
    );
  });

  it('keeps a balanced assignment unchanged when nothing changed', () => {
    fc.assert(
      fc.property(fc.boolean().chain((equalSubscriptions) => randomGroup({ equalSubscriptions })), ({ members, partitions }) => {
        const first = sticky.assign(members, partitions);
        const again = sticky.assign(eagerRejoin(members, first, 1), partitions);
        for (const m of members) expect(sameList(again.get(m.memberId)?.partitions ?? [], first.get(m.memberId)?.partitions ?? [])).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('sticky: stickiness', () => {
  it('keeps every partition of every remaining member when one member leaves (equal subscriptions)', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: true }), fc.nat(), (group, leaver) => {
        const before = sticky.assign(group.members, group.partitions);
        const remaining = removeOne({ ...group, members: eagerRejoin(group.members, before, 1) }, leaver);
        const after = sticky.assign(remaining, group.partitions);
        checkValid(remaining, group.partitions, after, true);
        for (const m of remaining) {
          const kept = new Set((after.get(m.memberId)?.partitions ?? []).map(formatTopicPartition));
          for (const p of before.get(m.memberId)?.partitions ?? []) expect(kept.has(formatTopicPartition(p))).toBe(true);
        }
        expect(spread(after)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('moves only partitions it must when a member joins (equal subscriptions): each member keeps min(owned, minQuota)', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: true, maxMembers: 11 }), ({ members, partitions }) => {
        const before = sticky.assign(members, partitions);
        const joiner: GroupMember = { memberId: 'zz-joiner', subscription: { topics: members[0]?.subscription.topics ?? [] } };
        const grown = [...eagerRejoin(members, before, 1), joiner];
        const after = sticky.assign(grown, partitions);
        const total = [...partitions.values()].reduce((a, b) => a + b, 0);
        const minQuota = Math.floor(total / grown.length);
        for (const m of members) {
          const now = new Set((after.get(m.memberId)?.partitions ?? []).map(formatTopicPartition));
          const owned = before.get(m.memberId)?.partitions ?? [];
          const kept = owned.filter((p) => now.has(formatTopicPartition(p))).length;
          expect(kept).toBeGreaterThanOrEqual(Math.min(owned.length, minQuota));
        }
      }),
      RUNS,
    );
  });
});

describe('cooperative-sticky: two-phase revocation', () => {
  it('keeps every partition of every remaining member when one member leaves (equal subscriptions)', () => {
    fc.assert(
      fc.property(randomGroup({ equalSubscriptions: true }), fc.nat(), (group, leaver) => {
        const { assignment: before } = settleCooperative(group.members, group.partitions, 0);
        const remaining = removeOne({ ...group, members: withOwned(group.members, before, 5) }, leaver);
        const after = cooperative.assign(remaining, group.partitions);
        checkValid(remaining, group.partitions, after, true);
        for (const m of remaining) {
          const kept = new Set((after.get(m.memberId)?.partitions ?? []).map(formatTopicPartition));
          for (const p of m.subscription.ownedPartitions ?? []) expect(kept.has(formatTopicPartition(p))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('never gives a partition to a new owner in the round it is taken from the old, as members join and leave', () => {
    const event = fc.oneof(fc.record({ kind: fc.constant('join' as const), id: fc.integer({ min: 0, max: 30 }) }), fc.record({ kind: fc.constant('leave' as const), index: fc.nat() }));
    fc.assert(
      fc.property(fc.boolean().chain((equalSubscriptions) => randomGroup({ equalSubscriptions })), fc.array(event, { maxLength: 5 }), (group, events) => {
        const allTopics = [...group.partitions.keys()];
        let { assignment } = settleCooperative(group.members, group.partitions, 0);
        let members = withOwned(group.members, assignment, 10);
        let generation = 10;
        for (const change of events) {
          if (change.kind === 'join') {
            const id = `joiner-${change.id}`;
            if (members.some((m) => m.memberId === id)) continue;
            members = [...members, { memberId: id, subscription: { topics: allTopics.slice(0, 1 + (change.id % allTopics.length)) } }];
          } else if (members.length > 1) {
            members = members.filter((_, i) => i !== change.index % members.length);
          }
          generation += 10;
          ({ assignment } = settleCooperative(members, group.partitions, generation));
          checkValid(members, group.partitions, assignment, true);
          members = withOwned(members, assignment, generation);
        }
      }),
      RUNS,
    );
  });

  it('with conflicting claims, gives a listed partition only to its sole highest-generation claimant', () => {
    fc.assert(
      fc.property(fc.boolean().chain((equalSubscriptions) => randomGroupWithClaims({ equalSubscriptions })), ({ members, partitions }) => {
        const assignment = cooperative.assign(members, partitions);
        checkValid(members, partitions, assignment, false);
        for (const [memberId, { partitions: given }] of assignment) {
          for (const p of given) {
            const key = formatTopicPartition(p);
            const claimants = members.filter((m) => (m.subscription.ownedPartitions ?? []).some((o) => formatTopicPartition(o) === key));
            if (claimants.every((m) => m.memberId === memberId)) continue;
            const mine = claimants.find((m) => m.memberId === memberId);
            expect(mine).toBeDefined();
            const myGeneration = mine?.subscription.generationId ?? -1;
            for (const other of claimants) if (other !== mine) expect(other.subscription.generationId ?? -1).toBeLessThan(myGeneration);
          }
        }
      }),
      RUNS,
    );
  });

  it('settles in two rounds with equal subscriptions into a complete, balanced assignment', () => {
    fc.assert(
      fc.property(randomGroupWithClaims({ equalSubscriptions: true }), ({ members, partitions }) => {
        // Start from a clean ownership state: the sticky result of the claims, all in one generation.
        const start = withOwned(members, sticky.assign(members, partitions), 1);
        const joined = [...start, { memberId: 'zz-new', subscription: { topics: members[0]?.subscription.topics ?? [] } }];
        const { assignment, rounds } = settleCooperative(joined, partitions, 1);
        expect(rounds).toBeLessThanOrEqual(3); // revoke round, assign round, one round to observe it settled
        checkValid(joined, partitions, assignment, true);
        expect(spread(assignment)).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  it('settles with unequal subscriptions into a complete assignment with no improving move', () => {
    fc.assert(
      fc.property(randomGroupWithClaims({ equalSubscriptions: false }), ({ members, partitions }) => {
        const start = withOwned(members, sticky.assign(members, partitions), 1);
        const { assignment } = settleCooperative(start.slice(1), partitions, 1);
        checkValid(start.slice(1), partitions, assignment, true);
        expect(noImprovingMove(start.slice(1), assignment)).toBe(true);
      }),
      RUNS,
    );
  });
});
