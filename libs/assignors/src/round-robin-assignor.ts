/**
 * RoundRobinAssignor (`"roundrobin"`, Kafka `RoundRobinAssignor`): all partitions of all
 * subscribed topics, sorted by (topic, partition), are dealt one at a time to members in member
 * order (static first, see `member-order.ts`), cycling; a member not subscribed to a partition's
 * topic is skipped. With identical subscriptions counts differ by at most one.
 *
 * Owned partitions and user data are ignored; eager protocol only. O(P) for identical
 * subscriptions, O(P·M) worst case when most members skip most topics.
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

export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin';
  readonly supportedProtocols: readonly RebalanceProtocol[] = ['eager'];

  subscriptionUserData(): Uint8Array | null {
    return null;
  }

  assign(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic): GroupAssignment {
    validateInput(members, partitionsPerTopic);
    const ordered = [...members].sort(compareMembers);
    const subscribed = ordered.map((member) => new Set(member.subscription.topics));
    const topics = [...new Set(members.flatMap((member) => member.subscription.topics))]
      .filter((topic) => partitionsPerTopic.has(topic))
      .sort(compareStrings);
    const lists: TopicPartition[][] = ordered.map(() => []);
    let cursor = 0;
    for (const topic of topics) {
      const partitionCount = partitionsPerTopic.get(topic) ?? 0;
      for (let partition = 0; partition < partitionCount; partition++) {
        // Some member subscribes to every listed topic, so this loop ends within one cycle.
        while (!(subscribed[cursor]?.has(topic) ?? false)) cursor = (cursor + 1) % ordered.length;
        lists[cursor]?.push({ topic, partition });
        cursor = (cursor + 1) % ordered.length;
      }
    }
    const byMember = new Map(ordered.map((member, i) => [member.memberId, lists[i] ?? []]));
    return new Map(members.map((member) => [member.memberId, { partitions: byMember.get(member.memberId) ?? [], userData: null }]));
  }
}
