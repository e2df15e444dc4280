/**
 * GroupIndex: the dense integer view of a group that the sticky builders work on.
 *
 * - Members are sorted by member id; a member is its index `m` in that order.
 * - Topics are those some member subscribes to *and* that have metadata, sorted by name; a topic
 *   is its index `t`.
 * - Every partition gets a global id `g`: topics in name order, partitions ascending within a
 *   topic — so ascending `g` is exactly the (topic, partition) order of Kafka's
 *   `sortedAllPartitions`. `topicOffset[t] ≤ g < topicOffset[t + 1]`.
 *
 * Immutable after construction.
 */
import { compareStrings, type GroupMember, type PartitionsPerTopic, type TopicPartition } from '../types.js';

export class GroupIndex {
  /** Members sorted by member id. */
  readonly members: readonly GroupMember[];
  readonly topics: readonly string[];
  /** `topicOffset[t]` = first global id of topic `t`; the last entry is the partition total. */
  readonly topicOffset: Int32Array;
  /** Topic index of each global partition id. */
  readonly partitionTopic: Int32Array;
  /** Sorted topic indices each member subscribes to (topics with metadata only). */
  readonly memberTopics: readonly Int32Array[];
  /** Sorted member indices subscribed to each topic. */
  readonly topicMembers: readonly Int32Array[];
  /** True when every member subscribes to the same topics (among those with metadata). */
  readonly subscriptionsEqual: boolean;
  private readonly topicIndex: Map<string, number>;
  private readonly subscribed: readonly Uint8Array[];

  constructor(members: readonly GroupMember[], partitionsPerTopic: PartitionsPerTopic) {
    this.members = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
    const topicSet = new Set<string>();
    for (const member of this.members) {
      for (const topic of member.subscription.topics) if (partitionsPerTopic.has(topic)) topicSet.add(topic);
    }
    this.topics = [...topicSet].sort(compareStrings);
    this.topicIndex = new Map(this.topics.map((topic, t) => [topic, t]));
    this.topicOffset = new Int32Array(this.topics.length + 1);
    this.topics.forEach((topic, t) => {
      this.topicOffset[t + 1] = (this.topicOffset[t] ?? 0) + (partitionsPerTopic.get(topic) ?? 0);
    });
    this.partitionTopic = new Int32Array(this.partitionCount);
    for (let t = 0; t < this.topics.length; t++) this.partitionTopic.fill(t, this.topicOffset[t], this.topicOffset[t + 1]);

    const topicMembers: number[][] = this.topics.map(() => []);
    this.subscribed = this.members.map(() => new Uint8Array(this.topics.length));
    this.memberTopics = this.members.map((member, m) => {
      const flags = this.subscribed[m] ?? new Uint8Array(0);
      for (const topic of member.subscription.topics) {
        const t = this.topicIndex.get(topic);
        if (t !== undefined) flags[t] = 1;
      }
      const list: number[] = [];
      flags.forEach((flag, t) => {
        if (flag === 1) {
          list.push(t);
          topicMembers[t]?.push(m);
        }
      });
      return Int32Array.from(list);
    });
    this.topicMembers = topicMembers.map((list) => Int32Array.from(list));
    this.subscriptionsEqual = this.memberTopics.every((topics) => topics.length === this.topics.length);
  }

  get partitionCount(): number {
    return this.topicOffset[this.topics.length] ?? 0;
  }

  /** Global id of a partition, or −1 when the topic has no metadata / nobody subscribes / out of range. */
  globalId(topic: string, partition: number): number {
    const t = this.topicIndex.get(topic);
    if (t === undefined || !Number.isInteger(partition) || partition < 0) return -1;
    const g = (this.topicOffset[t] ?? 0) + partition;
    return g < (this.topicOffset[t + 1] ?? 0) ? g : -1;
  }

  subscribes(member: number, topic: number): boolean {
    return this.subscribed[member]?.[topic] === 1;
  }

  partitionNumber(g: number): number {
    return g - (this.topicOffset[this.partitionTopic[g] ?? 0] ?? 0);
  }

  topicPartition(g: number): TopicPartition {
    return { topic: this.topics[this.partitionTopic[g] ?? 0] ?? '', partition: this.partitionNumber(g) };
  }
}
