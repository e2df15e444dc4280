/**
 * Storage-node benchmark (issue #6). In one run it measures this machine's own ceilings and Samsa
 * on real processes (controller + storage nodes from the cluster harness), 1 KiB records in 16 KiB
 * batches, best of BENCH_ROUNDS (3) rounds:
 *   - ceilings (grpc-ceiling.ts, a separate server process): grpc-js client→server and
 *     server→client streams of 64 KiB messages, and client→server into disk (the server appends
 *     what it receives to a file the way a partition log does: transport plus disk, no Samsa code);
 *     plus plain disk append ceilings, buffered and O_DIRECT (disk-ceiling.ts);
 *   - produce, acks=1, one producer over ProduceStream (256 KiB requests of sixteen 16 KiB batches,
 *     64 in flight), RF 1 → MB/s and ratio to client→server and to client→server into disk;
 *   - consume over FetchStream (1 MiB per push) from the start of the 1 GiB log just written,
 *     RF 1 → MB/s and ratio to server→client;
 *   - produce, acks=all, RF 3 on 3 local nodes → MB/s and ratio to RF 1;
 *   - produce latency at a fixed 2,000 records/s, one record per request (linger 0): p50, p99.
 * Each round measures the ceilings next to Samsa's figures and ends by freeing what it wrote, and
 * every round's paired ratios are printed, because this machine's speed drifts within a run.
 * Loops are bounded by bytes and records. Build first (npm run build); run: npm run bench.
 */
import type { storage } from '@samsa/proto';
import { buildRecordBatch } from '@samsa/records';
import { benchLeaderOf, benchStorageClient, createBenchTopic, deleteBenchTopic, rawFetchStream, rawProduceStream, startCluster, type TestCluster } from '@samsa/testing';
import { measureDiskAppendMBps } from './disk-ceiling.js';
import { megabytesPerSecond, startCeilingProbe } from './grpc-ceiling.js';

const GiB = 1024 ** 3;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 64);

const client = (cluster: TestCluster, nodeId: number) => benchStorageClient(cluster.node(nodeId).address);

/** A bench cluster of `nodes` storage nodes; BENCH_NODE_ARGS adds node flags, BENCH_NODE_ENTRY replaces the node's entry script (profiling). */
const benchCluster = (nodes: number) =>
  startCluster({ nodes, nodeArgs: () => (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(process.env.BENCH_NODE_ENTRY ? { nodeEntry: process.env.BENCH_NODE_ENTRY } : {}) });

function batch(): Buffer {
  return buildRecordBatch(Array.from({ length: 16 }, (_, i) => ({ key: `key-${i}`, value: Buffer.alloc(1000, 97 + i), timestamp: Date.now() })));
}

const createTopic = (cluster: TestCluster, name: string, replicationFactor: number) =>
  createBenchTopic(cluster, name, { replicationFactor, configs: replicationFactor > 1 ? { 'min.insync.replicas': '2' } : {} });
const leaderOf = (cluster: TestCluster, topic: string) => benchLeaderOf(cluster, topic);

/** Batches per produce request: sixteen 16 KiB batches (256 KiB), several consecutive batches per partition as the Producer sends them. */
const BATCHES_PER_REQUEST = Number(process.env.BENCH_BATCHES_PER_REQUEST ?? 16);

/** Streams `totalBytes` of batches with `IN_FLIGHT` requests outstanding; returns MB/s. */
function produceStream(c: storage.StorageServiceClient, topic: string, totalBytes: number, acks: number): Promise<number> {
  const one = batch();
  return rawProduceStream(c, topic, totalBytes, { acks, inFlight: IN_FLIGHT, payload: Buffer.concat(Array.from({ length: BATCHES_PER_REQUEST }, () => one)) });
}

const PUSH_BYTES = Number(process.env.BENCH_PUSH_BYTES ?? 1 << 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const consumeStream = (c: storage.StorageServiceClient, topic: string, totalBytes: number) => rawFetchStream(c, topic, totalBytes, PUSH_BYTES);

async function latency(c: storage.StorageServiceClient, topic: string, records: number, perSecond: number): Promise<{ p50: number; p99: number }> {
  const stream = c.produceStream();
  stream.on('error', () => undefined);
  const sentAt = new Map<number, bigint>();
  const samples: number[] = [];
  const done = new Promise<void>((resolve) => {
    stream.on('data', (response: storage.ProduceStreamResponse) => {
      const started = sentAt.get(response.requestId);
      if (started !== undefined) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (samples.length === records) resolve();
    });
  });
  const intervalNs = BigInt(Math.round(1e9 / perSecond));
  const begin = process.hrtime.bigint();
  for (let i = 0; i < records; i++) {
    const due = begin + intervalNs * BigInt(i);
    const waitMs = Number(due - process.hrtime.bigint()) / 1e6;
    if (waitMs > 1) await new Promise((resolve) => setTimeout(resolve, waitMs));
    sentAt.set(i, process.hrtime.bigint());
    stream.write({ requestId: i, acks: 1, timeoutMs: 30_000, topics: [{ topic, partitions: [{ partition: 0, records: buildRecordBatch([{ value: Buffer.alloc(1000, 120), timestamp: Date.now() }]) }] }] });
  }
  await done;
  stream.end();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)] ?? NaN, p99: samples[Math.floor(samples.length * 0.99)] ?? NaN };
}

function report(name: string, value: number, ceilingName: string, ceiling: number, goal?: number): void {
  const goalText = goal === undefined ? '' : ` (goal >= ${goal})`;
  console.log(`${name}: ${value.toFixed(1)} MB/s  |  ${ceilingName}: ${ceiling.toFixed(1)} MB/s  |  ratio ${(value / ceiling).toFixed(2)}${goalText}`);
}

/** BENCH_ONLY=produce measures only RF1 produce (for profiling the produce path). */
async function produceOnly(): Promise<void> {
  const single = await benchCluster(1);
  try {
    await createTopic(single, 'bench-rf1', 1);
    const c = client(single, await leaderOf(single, 'bench-rf1'));
    console.log(`produce acks=1 RF1: ${(await produceStream(c, 'bench-rf1', Number(process.env.BENCH_BYTES ?? GiB / 2), 1)).toFixed(1)} MB/s`);
    c.close();
    if (process.env.BENCH_LINGER_MS) await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_LINGER_MS)));
  } finally {
    await single.close();
  }
}

/** BENCH_ONLY=rf3 measures only the RF 3 acks=all produce (BENCH_BYTES, default 128 MiB). */
async function rf3Only(): Promise<void> {
  const triple = await benchCluster(3);
  try {
    await createTopic(triple, 'bench-rf3', 3);
    const c3 = client(triple, await leaderOf(triple, 'bench-rf3'));
    console.log(`produce acks=all RF3: ${(await produceStream(c3, 'bench-rf3', Number(process.env.BENCH_BYTES ?? 128 * 1024 * 1024), -1)).toFixed(1)} MB/s`);
    c3.close();
  } finally {
    await triple.close();
  }
}

/** BENCH_ONLY=consume fills a 512 MiB log, then measures only FetchStream reads of it, BENCH_ROUNDS times (for profiling the fetch path). */
async function consumeOnly(): Promise<void> {
  const single = await benchCluster(1);
  try {
    await createTopic(single, 'bench-rf1', 1);
    const c = client(single, await leaderOf(single, 'bench-rf1'));
    await produceStream(c, 'bench-rf1', GiB / 2, 1);
    for (let round = 1; round <= ROUNDS; round++) console.log(`consume FetchStream: ${(await consumeStream(c, 'bench-rf1', GiB / 2)).toFixed(1)} MB/s`);
    if (process.env.BENCH_LINGER_MS) await new Promise((resolve) => setTimeout(resolve, Number(process.env.BENCH_LINGER_MS)));
    c.close();
  } finally {
    await single.close();
  }
}

/** The best of `values`, with every round shown. */
const best = (values: number[]) => ({ best: Math.max(...values), rounds: values.map((v) => v.toFixed(0)).join(', ') });

/** Each round's ratio of `values` to `ceilings`, measured moments apart, so less exposed to the machine's drift. */
const paired = (values: number[], ceilings: number[]) => values.map((v, i) => (v / (ceilings[i] ?? NaN)).toFixed(2)).join(', ');

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'produce') return produceOnly();
  if (process.env.BENCH_ONLY === 'consume') return consumeOnly();
  if (process.env.BENCH_ONLY === 'rf3') return rf3Only();
  const buffered = await measureDiskAppendMBps(GiB, 'buffered');
  const direct = await measureDiskAppendMBps(GiB, 'direct');
  console.log(`disk append ceilings (1 MiB appends, 1 GiB): buffered into a fresh page cache ${buffered.toFixed(1)} MB/s; O_DIRECT (how the log appends) ${direct.toFixed(1)} MB/s`);

  // Ceilings and Samsa alternate within each round and every round ends by freeing what it wrote
  // (the ceiling's file, Samsa's topic), so both see the same page-cache state: on a VM, appending
  // into never-touched memory costs several times more CPU than into memory freed a moment ago.
  const probe = await startCeilingProbe();
  const single = await benchCluster(1);
  try {
    const c = client(single, 1);
    const figures = { up: [] as number[], upDisk: [] as number[], down: [] as number[], produce: [] as number[], consume: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      const topic = `bench-rf1-${round}`;
      await createTopic(single, topic, 1);
      await leaderOf(single, topic);
      figures.up.push(megabytesPerSecond(await probe.clientToServer(GiB / 2)));
      figures.upDisk.push(megabytesPerSecond(await probe.clientToDisk(GiB)));
      figures.produce.push(await produceStream(c, topic, GiB, 1));
      figures.consume.push(await consumeStream(c, topic, GiB));
      figures.down.push(megabytesPerSecond(await probe.serverToClient(GiB / 2)));
      await deleteBenchTopic(single, topic);
    }
    const up = best(figures.up);
    const upDisk = best(figures.upDisk);
    const down = best(figures.down);
    const produced = best(figures.produce);
    const consumed = best(figures.consume);
    console.log(`rounds (MB/s), best of ${ROUNDS} used below:`);
    console.log(`  grpc-js client→server ceiling (64 KiB messages, two processes): ${up.rounds}`);
    console.log(`  grpc-js client→server into disk ceiling (the same, server appends to a file): ${upDisk.rounds}`);
    console.log(`  Samsa produce: ${produced.rounds}  (per-round ratio to client→server ${paired(figures.produce, figures.up)}; to into disk ${paired(figures.produce, figures.upDisk)})`);
    console.log(`  grpc-js server→client ceiling: ${down.rounds}`);
    console.log(`  Samsa consume: ${consumed.rounds}  (per-round ratio to server→client ${paired(figures.consume, figures.down)})`);
    report(`produce acks=1 RF1 (ProduceStream, ${BATCHES_PER_REQUEST} × 16 KiB batches per request, ${IN_FLIGHT} in flight)`, produced.best, 'client→server ceiling', up.best, 0.5);
    report('  same figure', produced.best, 'client→server into disk ceiling', upDisk.best);
    report('  that ceiling itself', upDisk.best, 'client→server ceiling', up.best);
    report(`consume FetchStream from the start of a 1 GiB log (${PUSH_BYTES >> 10} KiB per push)`, consumed.best, 'server→client ceiling', down.best, 0.5);
    await createTopic(single, 'bench-latency', 1);
    const lat = await latency(client(single, await leaderOf(single, 'bench-latency')), 'bench-latency', 10_000, 2000);
    console.log(`produce latency at 2,000 records/s, one record per request, acks=1: p50 ${lat.p50.toFixed(2)} ms, p99 ${lat.p99.toFixed(2)} ms`);
    c.close();

    const triple = await benchCluster(3);
    try {
      await createTopic(triple, 'bench-rf3', 3);
      const c3 = client(triple, await leaderOf(triple, 'bench-rf3'));
      const replicated = await produceStream(c3, 'bench-rf3', 256 * 1024 * 1024, -1);
      report('produce acks=all RF3 min.insync.replicas=2 (3 local nodes)', replicated, 'RF1 acks=1 produce', produced.best);
      c3.close();
    } finally {
      await triple.close();
    }
  } finally {
    await single.close();
    await probe.close();
  }
}

await main();
process.exit(0);
