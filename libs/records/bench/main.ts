/**
 * Throughput of @samsa/records per codec, next to the ceiling of CRC-32C over the same bytes.
 *
 * Workload: batches of 16 records × 1 KiB values (≈ 16.6 KiB uncompressed), text-like values from
 * a seeded generator so every codec sees the same realistic, partly compressible data.
 * Figures are MB/s (10^6 bytes) of *uncompressed* batch bytes, so codecs compare directly:
 * - build+compress: buildRecordBatch of one batch, compression included;
 * - iterate+decode: iterateBatches over ~1 MiB of batches (probe + CRC), then records() of each
 *   (decompression + record decoding), touching every value.
 * Every loop is bounded by a time budget and an iteration cap; the whole run stays under ~30 s.
 * Run with `npm run bench` (tsx bench/main.ts).
 */
import { CompressionType, buildRecordBatch, crc32c, iterateBatches, type RecordInput } from '../src/index.js';

const RECORDS_PER_BATCH = 16;
const VALUE_BYTES = 1024;
const BATCHES_PER_BUFFER = 64;
const BUDGET_MS = 1_000;
const MAX_ITERATIONS = 1_000_000;
const TIMESTAMP_MS = 1_700_000_000_000;
const CODECS = [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD];

/** Deterministic xorshift32, so runs are comparable. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const WORDS = ['order', 'user', 'amount', 'currency', 'EUR', 'USD', 'status', 'shipped', 'pending', 'item', 'sku', 'price', 'qty', 'region', 'eu-west', 'us-east'];

function makeRecords(random: () => number): RecordInput[] {
  return Array.from({ length: RECORDS_PER_BATCH }, (_, index) => {
    let value = '';
    while (value.length < VALUE_BYTES) {
      const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'x';
      value += `"${word}":${Math.floor(random() * 1_000_000)},`;
    }
    return { key: `key-${index}-${Math.floor(random() * 1e9)}`, value: value.slice(0, VALUE_BYTES), timestamp: TIMESTAMP_MS + index };
  });
}

/** Runs `operation` for about BUDGET_MS (after a short warm-up) and returns MB/s of `bytesPerOperation`. */
function throughput(bytesPerOperation: number, operation: () => void): number {
  for (let warmup = 0; warmup < 3; warmup++) operation();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < BUDGET_MS && iterations < MAX_ITERATIONS) {
    operation();
    iterations++;
    elapsed = performance.now() - start;
  }
  return (bytesPerOperation * iterations) / 1e6 / (elapsed / 1e3);
}

const format = (megabytesPerSecond: number): string => megabytesPerSecond.toFixed(1).padStart(9);

function main(): void {
  const random = generator(0x5a45a);
  const batchesOfRecords = Array.from({ length: BATCHES_PER_BUFFER }, () => makeRecords(random));
  const plainBatches = batchesOfRecords.map((records) => buildRecordBatch(records));
  const plainBuffer = Buffer.concat(plainBatches);
  const batchBytes = plainBuffer.length / BATCHES_PER_BUFFER;

  let sink = 0;
  const ceiling = throughput(plainBuffer.length, () => {
    sink ^= crc32c(plainBuffer);
  });
  console.log(`workload: ${BATCHES_PER_BUFFER} batches of ${RECORDS_PER_BATCH} x ${VALUE_BYTES} B records, ${(batchBytes / 1024).toFixed(1)} KiB per batch uncompressed; MB/s of uncompressed bytes`);
  console.log(`crc32c ceiling                 ${format(ceiling)} MB/s`);

  for (const codec of CODECS) {
    const name = CompressionType[codec].toLowerCase().padEnd(6);
    let next = 0;
    const build = throughput(batchBytes, () => {
      const records = batchesOfRecords[next++ % BATCHES_PER_BUFFER] ?? [];
      sink ^= buildRecordBatch(records, { compression: codec }).length;
    });
    const buffer = Buffer.concat(batchesOfRecords.map((records) => buildRecordBatch(records, { compression: codec })));
    const iterate = throughput(plainBuffer.length, () => {
      for (const view of iterateBatches(buffer)) for (const record of view.records()) sink ^= record.value?.length ?? 0;
    });
    const ratio = (buffer.length / plainBuffer.length).toFixed(3);
    console.log(`build+compress ${name}          ${format(build)} MB/s  (${(build / ceiling).toFixed(3)} of crc32c; compressed size ratio ${ratio})`);
    console.log(`iterate+decode ${name}          ${format(iterate)} MB/s  (${(iterate / ceiling).toFixed(3)} of crc32c)`);
  }
  if (sink === 0.5) console.log('unreachable; keeps the work observable');
}

main();
