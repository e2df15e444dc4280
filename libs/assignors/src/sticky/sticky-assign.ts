/**
 * The algorithm shared by `sticky` and `cooperative-sticky` (Kafka `AbstractStickyAssignor`):
 * resolve owned-partition claims by generation, build a balanced assignment that keeps as many
 * valid owned partitions as balance allows, and — for the cooperative protocol — withhold every
 * partition that would change owner in this round.
 *
 * Builder choice: identical subscriptions → `constrainedAssignment` (exact quotas, the spec's
 * pseudo-code); otherwise → `generalAssignment`.
 *
 * Cooperative two-phase revocation: a partition assigned to member `m` is left out of `m`'s
 * assignment in this round when another member still lists it as owned — whatever that
 * member's generation — unless `m` is its valid owner (sole highest-generation claimant). The
 * old owner sees it missing and revokes it; the next rebalance hands it out. Contested
 * partitions (same-generation double claims) are therefore never handed out in the round that
 * detects them. So no partition is ever owned by two members at once.
 */
import { validateInput } from '../member-order.js';
import type { GroupAssignment, GroupMember, PartitionsPerTopic, Subscription } from '../types.js';
import { constrainedAssignment } from './constrained-assignment.js';
import { generalAssignment } from './general-assignment.js';
import { GroupIndex } from './group-index.js';
import { resolveClaims, type MemberClaims, type ResolvedClaims } from './owned-claims.js';

export interface StickyAssignOptions {
  /** How an assignor reads a member's owned partitions and generation from its subscription. */
  readonly claimsOf: (subscription: Subscription) => MemberClaims;
  /** Withhold partitions that change owner (cooperative protocol). */
  readonly cooperative: boolean;
}

export function stickyAssign(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic, options: StickyAssignOptions): GroupAssignment {
  validateInput(members, partitionsPerTopic);
  const index = new GroupIndex(members, partitionsPerTopic);
  const claims = resolveClaims(
    index,
    index.members.map((member) => options.claimsOf(member.subscription)),
  );
  const lists = index.subscriptionsEqual ? constrainedAssignment(index, claims) : generalAssignment(index, claims);
  const byMember = new Map<string, number[]>();
  index.members.forEach((member, m) => {
    const list = lists[m] ?? [];
    byMember.set(member.memberId, options.cooperative ? list.filter((g) => !mustWaitForRevocation(claims, g, m)) : list);
  });
  return new Map(
    members.map((member) => [
      member.memberId,
      { partitions: (byMember.get(member.memberId) ?? []).map((g) => index.topicPartition(g)), userData: null },
    ]),
  );
}

/** True when giving partition `g` to member `m` now would overlap with another member's ownership. */
function mustWaitForRevocation(claims: ResolvedClaims, g: number, m: number): boolean {
  if (claims.validOwner[g] === m) return false;
  const claimants = claims.claimantCount[g] ?? 0;
  return claimants >= 2 || (claimants === 1 && claims.lastClaimant[g] !== m);
}
