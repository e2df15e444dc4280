/**
 * Test builders for assignor tests: compact member and partition notation (`'topic1-0'`), the
 * validity checks every assignor must pass, and fast-check generators of random groups.
 */
import fc from 'fast-check';
import { formatTopicPartition, type GroupAssignment, type GroupMember, type PartitionsPerTopic, type TopicPartition } from '../types.js';

/** `'topic1-0'` → { topic: 'topic1', partition: 0 } (the number follows the last dash). */
export function tp(text: string): TopicPartition {
  const dash = text.lastIndexOf('-');
  return { topic: text.slice(0, dash), partition: Number(text.slice(dash + 1)) };
}

export function tps(...texts: string[]): TopicPartition[] {
  return texts.map(tp);
}

export function partitionsPerTopic(counts: Record<string, number>): PartitionsPerTopic {
  return new Map(Object.entries(counts));
}

export interface MemberOptions {
  readonly instanceId?: string;
  readonly owned?: readonly string[];
  readonly generation?: number;
  readonly userData?: Uint8Array;
}

export function member(memberId: string, topics: readonly string[], options: MemberOptions = {}): GroupMember {
  return {
    memberId,
    groupInstanceId: options.instanceId ?? null,
    subscription: {
      topics,
      ownedPartitions: (options.owned ?? []).map(tp),
      generationId: options.generation ?? -1,
      userData: options.userData ?? null,
    },
  };
}

/** The assignment as `{ memberId: ['topic-partition', …] }`, lists in assignment order. */
export function asStrings(assignment: GroupAssignment): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([memberId, { partitions }]) => [memberId, partitions.map(formatTopicPartition)]));
}

/** Counts per member, in input member order. */
export function counts(assignment: GroupAssignment): number[] {
  return [...assignment.values()].map((a) => a.partitions.length);
}

/**
 * Checks the invariants every assignor guarantees; returns the set of assigned partitions.
 * With `complete`, every partition of a subscribed topic must be assigned.
 */
export function checkValid(members: readonly GroupMember[], partitions: PartitionsPerTopic, assignment: GroupAssignment, complete: boolean): Set<string> {
  const errors: string[] = [];
  if (assignment.size !== members.length) errors.push(`expected ${members.length} members, got ${assignment.size}`);
  const assigned = new Set<string>();
  for (const m of members) {
    const entry = assignment.get(m.memberId);
    if (entry === undefined) {
      errors.push(`member ${m.memberId} missing`);
      continue;
    }
    for (const p of entry.partitions) {
      const key = formatTopicPartition(p);
      if (assigned.has(key)) errors.push(`${key} assigned twice`);
      assigned.add(key);
      if (!m.subscription.topics.includes(p.topic)) errors.push(`${key} given to ${m.memberId}, not subscribed`);
      const count = partitions.get(p.topic);
      if (count === undefined || p.partition < 0 || p.partition >= count) errors.push(`${key} does not exist`);
    }
  }
  if (complete) {
    const subscribed = new Set(members.flatMap((m) => m.subscription.topics));
    for (const topic of subscribed) {
      for (let partition = 0; partition < (partitions.get(topic) ?? 0); partition++) {
        if (!assigned.has(`${topic}-${partition}`)) errors.push(`${topic}-${partition} unassigned`);
      }
    }
  }
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return assigned;
}

/**
 * True when no single move improves balance: no member holds a partition of a topic that
 * another subscriber with ≥ 2 fewer partitions could take.
 */
export function noImprovingMove(members: readonly GroupMember[], assignment: GroupAssignment): boolean {
  const count = (id: string) => assignment.get(id)?.partitions.length ?? 0;
  for (const holder of members) {
    for (const p of assignment.get(holder.memberId)?.partitions ?? []) {
      for (const other of members) {
        if (other.subscription.topics.includes(p.topic) && count(other.memberId) <= count(holder.memberId) - 2) return false;
      }
    }
  }
  return true;
}

/** Feeds an assignment back as the members' owned partitions in `generation`. */
export function withOwned(members: readonly GroupMember[], assignment: GroupAssignment, generation: number): GroupMember[] {
  return members.map((m) => ({
    ...m,
    subscription: { ...m.subscription, ownedPartitions: assignment.get(m.memberId)?.partitions ?? [], generationId: generation },
  }));
}

export interface RandomGroup {
  readonly members: GroupMember[];
  readonly partitions: PartitionsPerTopic;
}

const TOPIC_NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

/** Random groups of 1–12 members over 1–6 topics of 0–12 partitions; equal or random subscriptions. */
export function randomGroup(options: { equalSubscriptions: boolean; maxMembers?: number }): fc.Arbitrary<RandomGroup> {
  return fc
    .record({
      topicCounts: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: TOPIC_NAMES.length }),
      memberCount: fc.integer({ min: 1, max: options.maxMembers ?? 12 }),
      subscriptionSeeds: fc.array(fc.integer({ min: 1, max: 63 }), { minLength: 12, maxLength: 12 }),
      staticMask: fc.integer({ min: 0, max: 4095 }),
    })
    .map(({ topicCounts, memberCount, subscriptionSeeds, staticMask }) => {
      const topics = topicCounts.map((_, i) => TOPIC_NAMES[i] ?? `t${i}`);
      const partitions = new Map(topics.map((topic, i) => [topic, topicCounts[i] ?? 0]));
      const members = Array.from({ length: memberCount }, (_, i) => {
        const mask = subscriptionSeeds[i] ?? 1;
        const subscribed = options.equalSubscriptions ? topics : topics.filter((_, t) => (mask >> t) & 1);
        const topicsOf = subscribed.length > 0 ? subscribed : [topics[0] ?? 'alpha'];
        const id = `consumer-${String.fromCharCode(97 + ((i * 7) % 26))}${i}`;
        return member(id, topicsOf, (staticMask >> i) & 1 ? { instanceId: `instance-${memberCount - i}` } : {});
      });
      return { members, partitions };
    });
}

/** A random group whose members claim random partitions (any topic, possibly overlapping) in generations −1…3. */
export function randomGroupWithClaims(options: { equalSubscriptions: boolean }): fc.Arbitrary<RandomGroup> {
  return randomGroup(options).chain(({ members, partitions }) => {
    const all: TopicPartition[] = [...partitions].flatMap(([topic, count]) => Array.from({ length: count }, (_, partition) => ({ topic, partition })));
    const claim = fc.record({ owned: fc.subarray(all), generation: fc.integer({ min: -1, max: 3 }) });
    return fc.array(claim, { minLength: members.length, maxLength: members.length }).map((claims) => ({
      partitions,
      members: members.map((m, i) => ({
        ...m,
        subscription: { ...m.subscription, ownedPartitions: claims[i]?.owned ?? [], generationId: claims[i]?.generation ?? -1 },
      })),
    }));
  });
}
