/**
 * CooperativeStickyAssignor (`"cooperative-sticky"`; Kafka `CooperativeStickyAssignor`): the
 * sticky algorithm under the cooperative (incremental) protocol. Members keep their partitions
 * through a rebalance and report them in `ownedPartitions`; a partition that must move is first
 * revoked — left out of this round's assignment — and handed to its new owner in the follow-up
 * rebalance (see `sticky/sticky-assign.ts`).
 *
 * Generation: ConsumerProtocolSubscription v2+ `generationId` when ≥ 0; otherwise the int32 an
 * older cooperative client puts in its user data; otherwise −1. The user data this assignor
 * produces is that int32, for such older members.
 */
import { decodeCooperativeStickyUserData, encodeCooperativeStickyUserData } from './protocol/sticky-user-data.js';
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

export class CooperativeStickyAssignor implements PartitionAssignor {
  readonly name = 'cooperative-sticky';
  readonly supportedProtocols: readonly RebalanceProtocol[] = ['cooperative', 'eager'];

  subscriptionUserData(context: SubscriptionContext): Uint8Array | null {
    return encodeCooperativeStickyUserData(context.generationId);
  }

  assign(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic): GroupAssignment {
    return stickyAssign(members, partitionsPerTopic, { claimsOf: cooperativeClaims, cooperative: true });
  }
}

export function cooperativeClaims(subscription: Subscription): MemberClaims {
  const partitions = subscription.ownedPartitions ?? [];
  const generationId = subscription.generationId ?? -1;
  if (generationId >= 0) return { partitions, generation: generationId };
  const userData = subscription.userData ?? null;
  if (userData === null) return { partitions, generation: -1 };
  try {
    return { partitions, generation: decodeCooperativeStickyUserData(userData) };
  } catch {
    return { partitions, generation: -1 };
  }
}
