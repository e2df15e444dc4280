/**
 * Assignor benchmark (`npm run bench` → `tsx bench/main.ts`): time to assign 10,000 partitions
 * (100 topics × 100) over 1,000 members for each assignor, and for the sticky assignors the
 * re-assignment after 10 members leave (everyone else reporting what it owns). Also the sticky
 * general path (each member subscribes to a random half of the topics).
 *
 * Bounded: each figure is the median of 5 timed runs after 2 warm-up runs. One line per figure,
 * with its goal: < 100 ms for range/roundrobin, < 1 s for sticky and cooperative-sticky.
 */
import {
  CooperativeStickyAssignor,
  RangeAssignor,
  RoundRobinAssignor,
  StickyAssignor,
  encodeStickyUserData,
  type GroupAssignment,
  type GroupMember,
  type PartitionAssignor,
} from '../src/index.js';

const TOPICS = 100;
const PARTITIONS_PER_TOPIC = 100;
const MEMBERS = 1_000;
const LEAVERS = 10;

const topics = Array.from({ length: TOPICS }, (_, t) => `topic-${String(t).padStart(3, '0')}`);
const partitionsPerTopic = new Map(topics.map((topic) => [topic, PARTITIONS_PER_TOPIC]));

/** Deterministic pseudo-random half of the topics for member `m` (for the general path). */
function halfOfTopics(m: number): string[] {
  let state = (m + 1) * 2654435761;
  return topics.filter(() => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    return (state & 1) === 1;
  });
}

function freshMembers(subscribe: (m: number) => string[]): GroupMember[] {
  return Array.from({ length: MEMBERS }, (_, m) => ({
    memberId: `consumer-${String(m).padStart(4, '0')}-${(m * 7919) % 10007}`,
    subscription: { topics: subscribe(m) },
  }));
}

/** The group after `LEAVERS` members left; the rest report their partitions (cooperative: owned; eager: user data). */
function afterLeave(members: GroupMember[], previous: GroupAssignment, eager: boolean): GroupMember[] {
  return members.slice(LEAVERS).map((member) => {
    const owned = previous.get(member.memberId)?.partitions ?? [];
    return {
      ...member,
      subscription: eager
        ? { topics: member.subscription.topics, userData: encodeStickyUserData({ previousAssignment: owned, generation: 1 }) }
        : { topics: member.subscription.topics, ownedPartitions: owned, generationId: 1 },
    };
  });
}

function medianMs(run: () => void): number {
  for (let i = 0; i < 2; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[2] ?? Number.NaN;
}

function report(figure: string, ms: number, goalMs: number): void {
  const verdict = ms < goalMs ? 'ok' : 'ABOVE GOAL';
  console.log(`${figure.padEnd(70)} ${ms.toFixed(1).padStart(8)} ms   goal < ${goalMs} ms   ${verdict}`);
}

const everyone = freshMembers(() => topics);
const halves = freshMembers(halfOfTopics);
const assignors: Array<[PartitionAssignor, number]> = [
  [new RangeAssignor(), 100],
  [new RoundRobinAssignor(), 100],
  [new StickyAssignor(), 1_000],
  [new CooperativeStickyAssignor(), 1_000],
];
const scale = `${TOPICS * PARTITIONS_PER_TOPIC} partitions / ${MEMBERS} members`;

for (const [assignor, goalMs] of assignors) {
  report(`${assignor.name}: assign ${scale}`, medianMs(() => assignor.assign(everyone, partitionsPerTopic)), goalMs);
}

for (const [assignor, goalMs] of assignors.slice(2)) {
  const eager = assignor.name === 'sticky';
  const before = assignor.assign(everyone, partitionsPerTopic);
  const remaining = afterLeave(everyone, before, eager);
  report(`${assignor.name}: re-assign after ${LEAVERS} of ${MEMBERS} members leave`, medianMs(() => assignor.assign(remaining, partitionsPerTopic)), goalMs);
}

for (const [assignor, goalMs] of assignors.slice(2)) {
  const eager = assignor.name === 'sticky';
  report(`${assignor.name}: assign, unequal subscriptions (half the topics each)`, medianMs(() => assignor.assign(halves, partitionsPerTopic)), goalMs);
  const before = assignor.assign(halves, partitionsPerTopic);
  const remaining = afterLeave(halves, before, eager);
  report(`${assignor.name}: re-assign after ${LEAVERS} leave, unequal subscriptions`, medianMs(() => assignor.assign(remaining, partitionsPerTopic)), goalMs);
}
