/**
 * Partitioner benchmark (`npm run bench` → `tsx bench/main.ts`): murmur2 throughput and the cost
 * of one `partition()` call per strategy. Bounded loops (a fixed number of operations each);
 * the whole run takes a few seconds. One line per figure, with its goal.
 *
 * Goals: a producer should be able to partition well over 1M records/s on one core, so murmur2
 * ≥ 10M hashes/s on 16-byte keys and every partition() path ≥ 5M calls/s.
 */
import { DefaultPartitioner, RoundRobinPartitioner, murmur2, seededRandom, type TopicPartitions } from '../src/index.js';

const KEY_POOL = 4096;

function keys(lengthBytes: number): Uint8Array[] {
  const random = seededRandom(lengthBytes);
  return Array.from({ length: KEY_POOL }, () => Uint8Array.from({ length: lengthBytes }, () => random() & 0xff));
}

/** Runs `operation` `count` times after a warm-up; returns operations per second (best of 3). */
function rate(count: number, operation: (i: number) => number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(count, 200_000); i++) sink ^= operation(i);
  let best = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) sink ^= operation(i);
    const elapsedMs = performance.now() - start;
    best = Math.max(best, (count / elapsedMs) * 1000);
  }
  if (sink === 0.5) console.log('unreachable'); // keeps the JIT from discarding the work
  return best;
}

function report(figure: string, opsPerSecond: number, unit: string, goalPerSecond: number): void {
  const millions = (value: number) => `${(value / 1e6).toFixed(1)}M`;
  const verdict = opsPerSecond >= goalPerSecond ? 'ok' : 'BELOW GOAL';
  console.log(`${figure.padEnd(52)} ${millions(opsPerSecond).padStart(7)} ${unit}/s   goal ≥ ${millions(goalPerSecond)} ${unit}/s   ${verdict}`);
}

const ITERATIONS = 5_000_000;
const topic: TopicPartitions = { numPartitions: 64, availablePartitions: Array.from({ length: 64 }, (_, p) => p) };

const shortKeys = keys(16);
const longKeys = keys(100);
const EMPTY = new Uint8Array(0);
report('murmur2, 16-byte keys', rate(ITERATIONS, (i) => murmur2(shortKeys[i & (KEY_POOL - 1)] ?? EMPTY)), 'hashes', 10e6);
report('murmur2, 100-byte keys', rate(ITERATIONS, (i) => murmur2(longKeys[i & (KEY_POOL - 1)] ?? EMPTY)), 'hashes', 2e6);

const keyed = new DefaultPartitioner({ random: seededRandom(1) });
report(
  'DefaultPartitioner.partition(), 16-byte keys',
  rate(ITERATIONS, (i) => keyed.partition('bench', shortKeys[i & (KEY_POOL - 1)] ?? null, 100, topic)),
  'calls',
  5e6,
);

const sticky = new DefaultPartitioner({ random: seededRandom(2) });
report(
  'DefaultPartitioner.partition()+onAppend(), null keys',
  rate(ITERATIONS, () => {
    const partition = sticky.partition('bench', null, 100, topic);
    sticky.onAppend({ topic: 'bench', key: null, partition, appendedBytes: 110, lastBatchFull: false });
    return partition;
  }),
  'calls',
  5e6,
);

const roundRobin = new RoundRobinPartitioner();
report('RoundRobinPartitioner.partition()', rate(ITERATIONS, () => roundRobin.partition('bench', null, 100, topic)), 'calls', 5e6);
