/**
 * StickyAssignor (`"sticky"`, eager protocol; Kafka `StickyAssignor`). Balanced first, then as
 * many previously owned partitions kept as balance allows (see `sticky/sticky-assign.ts`).
 *
 * Under the eager protocol a member revokes everything before it rejoins, so its subscription's
 * owned partitions are empty; instead it carries its previous assignment and generation in the
 * user data (StickyAssignorUserData v1, `protocol/sticky-user-data.ts`). Claims are read from
 * the user data when present; undecodable user data counts as no claims (Kafka logs and ignores
 * it). Without user data the v1+ `ownedPartitions`/`generationId` fields are used instead, so a
 * member that sends them (as Samsa clients may) is handled too.
 */
import { decodeStickyUserData, encodeStickyUserData } from './protocol/sticky-user-data.js';
import type { MemberClaims } from './sticky/owned-claims.js';
import { stickyAssign } from './sticky/sticky-assign.js';
import type {
  GroupAssignment,
  GroupMember,
  PartitionAssignor,
  PartitionsPerTopic,
  RebalanceProtocol,
  Subscription,
  SubscriptionContext,
} from './types.js';

export class StickyAssignor implements PartitionAssignor {
  readonly name = 'sticky';
  readonly supportedProtocols: readonly RebalanceProtocol[] = ['eager'];

  /** The previous assignment and its generation; null before the member's first assignment. */
  subscriptionUserData(context: SubscriptionContext): Uint8Array | null {
    if (context.generationId < 0 && context.currentAssignment.length === 0) return null;
    return encodeStickyUserData({ previousAssignment: context.currentAssignment, generation: context.generationId });
  }

  assign(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic): GroupAssignment {
    return stickyAssign(members, partitionsPerTopic, { claimsOf: stickyClaims, cooperative: false });
  }
}

export function stickyClaims(subscription: Subscription): MemberClaims {
  const userData = subscription.userData ?? null;
  if (userData === null || userData.length === 0) {
    return { partitions: subscription.ownedPartitions ?? [], generation: subscription.generationId ?? -1 };
  }
  try {
    const decoded = decodeStickyUserData(userData);
    return { partitions: decoded.previousAssignment, generation: decoded.generation };
  } catch {
    return { partitions: [], generation: -1 };
  }
}
