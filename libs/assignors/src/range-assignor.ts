/**
 * RangeAssignor (`"range"`, Kafka `RangeAssignor` without racks): per topic independently, the
 * members subscribed to it in member order (static first, see `member-order.ts`) each get a
 * consecutive range of `floor(P/C)` partitions, and the first `P mod C` get one more.
 *
 * Topics are processed in name order, so each member's list is sorted by (topic, partition).
 * Owned partitions and user data are ignored; eager protocol only. O(T·C log C + P).
 */
import { compareMembers, validateInput } from './member-order.js';
import {
  compareStrings,
  type GroupAssignment,
  type GroupMember,
  type PartitionAssignor,
  type PartitionsPerTopic,
  type RebalanceProtocol,
  type TopicPartition,
} from './types.js';

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range';
  readonly supportedProtocols: readonly RebalanceProtocol[] = ['eager'];

  subscriptionUserData(): Uint8Array | null {
    return null;
  }

  assign(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic): GroupAssignment {
    validateInput(members, partitionsPerTopic);
    const membersPerTopic = new Map<string, GroupMember[]>();
    for (const member of members) {
      for (const topic of new Set(member.subscription.topics)) {
        if (!partitionsPerTopic.has(topic)) continue;
        let subscribers = membersPerTopic.get(topic);
        if (subscribers === undefined) membersPerTopic.set(topic, (subscribers = []));
        subscribers.push(member);
      }
    }
    const partitions = new Map<string, TopicPartition[]>(members.map((member) => [member.memberId, []]));
    for (const topic of [...membersPerTopic.keys()].sort(compareStrings)) {
      const subscribers = (membersPerTopic.get(topic) ?? []).sort(compareMembers);
      const partitionCount = partitionsPerTopic.get(topic) ?? 0;
      const perMember = Math.floor(partitionCount / subscribers.length);
      const withExtra = partitionCount % subscribers.length;
      subscribers.forEach((member, i) => {
        const start = perMember * i + Math.min(i, withExtra);
        const length = perMember + (i < withExtra ? 1 : 0);
        const list = partitions.get(member.memberId) ?? [];
        for (let partition = start; partition < start + length; partition++) list.push({ topic, partition });
      });
    }
    return new Map([...partitions].map(([memberId, list]) => [memberId, { partitions: list, userData: null }]));
  }
}
