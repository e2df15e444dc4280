/**
 * Consumer (assign mode) against a real cluster: controller + storage nodes as child processes.
 * Records are produced with raw StorageService.Produce so these tests do not depend on the Producer.
 */
import { hasErrorCode, type LogFn, type Logger } from '@samsa/common';
import { ErrorCode, storage } from '@samsa/proto';
import { buildRecordBatch, CompressionType } from '@samsa/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consumer, type ConsumerOptions, type ConsumerRecord } from '../index.js';
import { call, ClientTestKit, recordsOf, uniqueName } from './client-test-kit.js';

type StringConsumer = Consumer<string | null, string | null>;

/** Polls until `count` records arrived (each poll resolves as soon as records are there) or `timeoutMs` passed. */
async function pollUntil<K, V>(consumer: Consumer<K, V>, count: number, timeoutMs = 20_000): Promise<ConsumerRecord<K, V>[]> {
  const deadline = Date.now() + timeoutMs;
  const out: ConsumerRecord<K, V>[] = [];
  while (out.length < count) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    out.push(...(await consumer.poll({ timeoutMs: remaining })));
  }
  return out;
}

async function rejectionOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const valuesOf = (records: readonly ConsumerRecord<unknown, unknown>[]) => records.map((record) => record.value);
const range = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

interface LogEvent {
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every event (and reports it to `onEvent`), for asserting what the consumer did. */
function recordingLogger(events: LogEvent[], onEvent: (event: LogEvent) => void = () => undefined): Logger {
  const log = ((first: unknown, second?: unknown) => {
    const event = typeof first === 'string' ? { message: first, fields: {} } : { message: String(second ?? ''), fields: first as Record<string, unknown> };
    events.push(event);
    onEvent(event);
  }) as LogFn;
  const logger: Logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log, child: () => logger };
  return logger;
}

describe('Consumer on one node', () => {
  let kit: ClientTestKit;
  const open: Consumer<unknown, unknown>[] = [];

  function consumer(options: Partial<ConsumerOptions<string | null, string | null>> = {}): StringConsumer {
    const created = new Consumer<string | null, string | null>({ bootstrapServers: kit.bootstrapServers, keyDeserializer: 'string', valueDeserializer: 'string', autoOffsetReset: 'earliest', ...options });
    open.push(created as Consumer<unknown, unknown>);
    return created;
  }

  beforeAll(async () => {
    kit = await ClientTestKit.start(1);
  });

  afterAll(async () => {
    for (const created of open) await created.close();
    await kit?.close();
  });

  it('reads every assigned partition in order with keys, values and headers', async () => {
    const topic = uniqueName('ordered');
    await kit.createTopic(topic, 3);
    for (const partition of [0, 1, 2]) {
      await kit.rawProduce(topic, partition, recordsOf(range(30, `p${partition}a`)));
      await kit.rawProduce(topic, partition, recordsOf(range(20, `p${partition}b`)));
    }
    const reader = consumer({ maxPollRecords: 7 });
    await reader.assign([0, 1, 2].map((partition) => ({ topic, partition })));
    expect(reader.assignment()).toEqual([0, 1, 2].map((partition) => ({ topic, partition })));
    const records = await pollUntil(reader, 150);
    expect(records).toHaveLength(150);
    for (const partition of [0, 1, 2]) {
      const mine = records.filter((record) => record.partition === partition);
      expect(mine.map((record) => record.offset)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(valuesOf(mine)).toEqual([...range(30, `p${partition}a`), ...range(20, `p${partition}b`)]);
      expect(mine[31]).toMatchObject({ topic, key: 'k1', timestampType: 'CreateTime', headers: [{ key: 'index', value: Buffer.from('1') }] });
      expect(mine[31]?.leaderEpoch).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(records.slice(0, 21).map((record) => record.partition))).toEqual(new Set([0, 1, 2]));
    expect(await reader.position({ topic, partition: 1 })).toBe(50);
  });

  it('starts at the end with autoOffsetReset=latest and at the log start with earliest', async () => {
    const topic = uniqueName('reset');
    await kit.createTopic(topic, 1);
    await kit.rawProduce(topic, 0, recordsOf(range(5, 'old')));
    const latest = consumer({ autoOffsetReset: 'latest' });
    const earliest = consumer({ autoOffsetReset: 'earliest' });
    await latest.assign([{ topic, partition: 0 }]);
    await earliest.assign([{ topic, partition: 0 }]);
    expect(await latest.position({ topic, partition: 0 })).toBe(5);
    expect(await earliest.position({ topic, partition: 0 })).toBe(0);
    await kit.rawProduce(topic, 0, recordsOf(range(3, 'new')));
    expect(valuesOf(await pollUntil(latest, 3))).toEqual(range(3, 'new'));
    expect(valuesOf(await pollUntil(earliest, 8))).toEqual([...range(5, 'old'), ...range(3, 'new')]);
  });

  it('fails poll and position with autoOffsetReset=none until a seek', async () => {
    const topic = uniqueName('none');
    await kit.createTopic(topic, 1);
    await kit.rawProduce(topic, 0, recordsOf(range(4, 'v')));
    const reader = consumer({ autoOffsetReset: 'none' });
    await reader.assign([{ topic, partition: 0 }]);
    const fromPoll = await rejectionOf(() => reader.poll({ timeoutMs: 10_000 }));
    expect(hasErrorCode(fromPoll, ErrorCode.OFFSET_OUT_OF_RANGE)).toBe(true);
    expect((fromPoll as Error).message).toMatch(/no committed offset and autoOffsetReset is none/);
    expect(hasErrorCode(await rejectionOf(() => reader.position({ topic, partition: 0 })), ErrorCode.OFFSET_OUT_OF_RANGE)).toBe(true);
    reader.seek({ topic, partition: 0 }, 2);
    expect(valuesOf(await pollUntil(reader, 2))).toEqual(['v-2', 'v-3']);
  });

  it('seeks to an offset, to the beginning and to the end, and reports positions', async () => {
    const topic = uniqueName('seek');
    await kit.createTopic(topic, 1);
    await kit.rawProduce(topic, 0, recordsOf(range(10, 'v')));
    const tp = { topic, partition: 0 };
    const reader = consumer();
    await reader.assign([tp]);
    reader.seek(tp, 4);
    expect(await reader.position(tp)).toBe(4);
    const afterSeek = await pollUntil(reader, 6);
    expect(afterSeek.map((record) => record.offset)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(await reader.position(tp)).toBe(10);
    reader.seekToBeginning([tp]);
    expect(await reader.position(tp)).toBe(0);
    expect(valuesOf(await reader.poll({ maxRecords: 3, timeoutMs: 10_000 }))).toEqual(['v-0', 'v-1', 'v-2']);
    expect(await reader.position(tp)).toBe(3);
    reader.seekToEnd();
    expect(await reader.position(tp)).toBe(10);
    await kit.rawProduce(topic, 0, recordsOf(['after-end']));
    expect(valuesOf(await pollUntil(reader, 1))).toEqual(['after-end']);
    reader.seek(tp, 8);
    expect(valuesOf(await pollUntil(reader, 3))).toEqual(['v-8', 'v-9', 'after-end']);
  });

  it('resets an out-of-range position by autoOffsetReset, or reports it with none', async () => {
    const topic = uniqueName('out-of-range');
    await kit.createTopic(topic, 1);
    await kit.rawProduce(topic, 0, recordsOf(range(3, 'v')));
    const tp = { topic, partition: 0 };
    const resetting = consumer({ autoOffsetReset: 'earliest' });
    await resetting.assign([tp]);
    resetting.seek(tp, 1000);
    expect(valuesOf(await pollUntil(resetting, 3))).toEqual(range(3, 'v'));
    const strict = consumer({ autoOffsetReset: 'none' });
    await strict.assign([tp]);
    strict.seek(tp, 1000);
    const error = await rejectionOf(async () => {
      for (;;) await strict.poll({ timeoutMs: 10_000 });
    });
    expect(hasErrorCode(error, ErrorCode.OFFSET_OUT_OF_RANGE)).toBe(true);
    expect((error as Error).message).toMatch(/log end offset 3/);
  });

  it('returns no records of a paused partition, and returns them after resume', async () => {
    const topic = uniqueName('paused');
    await kit.createTopic(topic, 2);
    await kit.rawProduce(topic, 0, recordsOf(range(10, 'p0')));
    await kit.rawProduce(topic, 1, recordsOf(range(10, 'p1')));
    const reader = consumer();
    await reader.assign([{ topic, partition: 0 }, { topic, partition: 1 }]);
    reader.pause([{ topic, partition: 0 }]);
    expect(reader.paused()).toEqual([{ topic, partition: 0 }]);
    const whilePaused = await pollUntil(reader, 10);
    expect(valuesOf(whilePaused)).toEqual(range(10, 'p1'));
    await kit.rawProduce(topic, 1, recordsOf(['p1-late']));
    const more = await pollUntil(reader, 1);
    expect(valuesOf(more)).toEqual(['p1-late']);
    expect(await reader.poll({ timeoutMs: 300 })).toEqual([]);
    expect(await reader.position({ topic, partition: 0 })).toBe(0);
    reader.resume([{ topic, partition: 0 }]);
    expect(reader.paused()).toEqual([]);
    expect(valuesOf(await pollUntil(reader, 10))).toEqual(range(10, 'p0'));
  });

  it('delivers records produced while a poll waits, pushed on the open FetchStream', async () => {
    const topic = uniqueName('pushed');
    await kit.createTopic(topic, 1);
    const events: LogEvent[] = [];
    const reader = consumer({ logger: recordingLogger(events), fetchMaxWaitMs: 30_000 });
    const streamsOpened = () => events.filter((event) => event.message === 'opening fetch stream').length;
    await reader.assign([{ topic, partition: 0 }]);
    expect(await reader.position({ topic, partition: 0 })).toBe(0);
    await kit.rawProduce(topic, 0, recordsOf(['first']));
    expect(valuesOf(await pollUntil(reader, 1))).toEqual(['first']);
    const streamsBefore = streamsOpened();
    const waiting = reader.poll({ timeoutMs: 20_000 });
    await kit.rawProduce(topic, 0, recordsOf(['second', 'third']));
    const startedAt = Date.now();
    expect(valuesOf(await waiting)).toEqual(['second', 'third']);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(streamsBefore).toBe(1);
    expect(streamsOpened()).toBe(streamsBefore);
  });

  it('pauses its stream while the buffer is full and resumes it as poll drains, losing nothing', async () => {
    const topic = uniqueName('back-pressure');
    await kit.createTopic(topic, 1);
    const expected = Array.from({ length: 100 }, (_, b) => range(5, `batch${b}`));
    await kit.rawProduce(topic, 0, Buffer.concat(expected.map((values) => buildRecordBatch(recordsOf(values)))));
    const events: LogEvent[] = [];
    let pausedEvent: (event: LogEvent) => void = () => undefined;
    const paused = new Promise<LogEvent>((resolve) => (pausedEvent = resolve));
    const fetchMaxBytes = 4096;
    const reader = consumer({ fetchMaxBytes, maxPartitionFetchBytes: 1024, logger: recordingLogger(events, (event) => event.message === 'fetch stream paused' && pausedEvent(event)) });
    await reader.assign([{ topic, partition: 0 }]);
    const pause = await paused;
    // The partition bound (3 pushes × maxPartitionFetchBytes) is reached first; one push may overshoot it.
    expect(pause.fields.bufferedBytes).toBeGreaterThanOrEqual(3 * 1024);
    expect(pause.fields.bufferedBytes).toBeLessThan(fetchMaxBytes + 1024);
    const records = await pollUntil(reader, 500);
    expect(valuesOf(records)).toEqual(expected.flat());
    expect(records.map((record) => record.offset)).toEqual(expected.flat().map((_, i) => i));
    expect(events.filter((event) => event.message === 'fetch stream resumed').length).toBeGreaterThan(0);
    expect(events.filter((event) => event.message === 'opening fetch stream')).toHaveLength(1);
  });

  it('decodes batches of every compression codec', async () => {
    const topic = uniqueName('codecs');
    await kit.createTopic(topic, 1);
    const codecs = [CompressionType.NONE, CompressionType.GZIP, CompressionType.SNAPPY, CompressionType.LZ4, CompressionType.ZSTD];
    const expected: string[] = [];
    for (const compression of codecs) {
      const values = range(25, `${CompressionType[compression]}-${'z'.repeat(40)}`);
      expected.push(...values);
      await kit.rawProduce(topic, 0, recordsOf(values), { batch: { compression } });
    }
    const reader = consumer();
    await reader.assign([{ topic, partition: 0 }]);
    const records = await pollUntil(reader, expected.length);
    expect(valuesOf(records)).toEqual(expected);
    expect(records.map((record) => record.offset)).toEqual(expected.map((_, i) => i));
  });

  it('hides aborted transactions and markers with read_committed', async () => {
    const topic = uniqueName('txn');
    await kit.createTopic(topic, 1);
    const producer = (producerId: number, values: string[]) => buildRecordBatch(recordsOf(values), { producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    const endTxn = async (producerId: number, result: storage.TransactionResult) => {
      const response = await call(kit.node(1), 'writeTxnMarkers', storage.WriteTxnMarkersRequest.fromPartial({ markers: [{ producerId, producerEpoch: 0, transactionResult: result, coordinatorEpoch: 0, topics: [{ topic, partitions: [0] }] }] }));
      expect(response.markers[0]?.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    };
    await kit.rawProduce(topic, 0, producer(9001, ['aborted-1', 'aborted-2']));
    await kit.rawProduce(topic, 0, recordsOf(['plain']));
    await kit.rawProduce(topic, 0, producer(9002, ['committed']));
    await endTxn(9001, storage.TransactionResult.TRANSACTION_RESULT_ABORT);
    await endTxn(9002, storage.TransactionResult.TRANSACTION_RESULT_COMMIT);
    await kit.rawProduce(topic, 0, recordsOf(['last']));
    const committed = consumer({ isolationLevel: 'read_committed' });
    const uncommitted = consumer({ isolationLevel: 'read_uncommitted' });
    for (const reader of [committed, uncommitted]) await reader.assign([{ topic, partition: 0 }]);
    expect(valuesOf(await pollUntil(committed, 3))).toEqual(['plain', 'committed', 'last']);
    expect(await committed.position({ topic, partition: 0 })).toBe(7);
    expect(valuesOf(await pollUntil(uncommitted, 5))).toEqual(['aborted-1', 'aborted-2', 'plain', 'committed', 'last']);
  });

  it('iterates with for await, one record at a time, leaving the position after the last one seen', async () => {
    const topic = uniqueName('iterated');
    await kit.createTopic(topic, 1);
    await kit.rawProduce(topic, 0, recordsOf(range(20, 'v')));
    const reader = consumer();
    await reader.assign([{ topic, partition: 0 }]);
    const seen: Array<string | null> = [];
    for await (const record of reader) {
      seen.push(record.value);
      if (seen.length === 12) break;
    }
    expect(seen).toEqual(range(12, 'v'));
    expect(await reader.position({ topic, partition: 0 })).toBe(12);
    expect(valuesOf(await pollUntil(reader, 8))).toEqual(range(8, 'v').map((_, i) => `v-${i + 12}`));
  });

  it('rejects an unknown topic or partition with UNKNOWN_TOPIC_OR_PARTITION and keeps the assignment', async () => {
    const topic = uniqueName('known');
    await kit.createTopic(topic, 2);
    const reader = consumer();
    await reader.assign([{ topic, partition: 1 }]);
    const missingTopic = await rejectionOf(() => reader.assign([{ topic: uniqueName('missing'), partition: 0 }]));
    expect(hasErrorCode(missingTopic, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    const missingPartition = await rejectionOf(() => reader.assign([{ topic, partition: 2 }]));
    expect(hasErrorCode(missingPartition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true);
    expect((missingPartition as Error).message).toContain(`${topic}-2`);
    expect(reader.assignment()).toEqual([{ topic, partition: 1 }]);
    expect(() => reader.seek({ topic, partition: 0 }, 0)).toThrowError(/not assigned/);
  });

  it('rejects bad options with INVALID_CONFIG naming each key', () => {
    let caught: unknown;
    try {
      new Consumer({ bootstrapServers: kit.bootstrapServers, maxPollRecords: -5, autoOffsetReset: 'smallest' as 'earliest', fetchMaxBytes: 'big' as unknown as number, unknownKey: 1 } as ConsumerOptions);
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, ErrorCode.INVALID_CONFIG)).toBe(true);
    for (const key of ['maxPollRecords', 'autoOffsetReset', 'fetchMaxBytes', 'unknownKey']) expect((caught as Error).message).toContain(key);
  });

  it('close() ends a waiting poll, fails later calls and leaves no handles behind', async () => {
    const topic = uniqueName('closed');
    await kit.createTopic(topic, 2);
    await kit.rawProduce(topic, 0, recordsOf(range(5, 'v')));
    const resourcesBefore = process.getActiveResourcesInfo();
    // Its own clientId gives it its own channel options, so grpc-js does not share another consumer's connection.
    const reader = new Consumer({ bootstrapServers: kit.bootstrapServers, autoOffsetReset: 'earliest', clientId: uniqueName('closing') });
    await reader.assign([{ topic, partition: 0 }, { topic, partition: 1 }]);
    expect(await pollUntil(reader, 5)).toHaveLength(5);
    const count = (resources: string[]) => resources.filter((resource) => resource !== 'Timeout' && resource !== 'Immediate').length;
    expect(count(process.getActiveResourcesInfo())).toBeGreaterThan(count(resourcesBefore));
    const waiting = reader.poll({ timeoutMs: 60_000 });
    await reader.close();
    expect(await waiting).toEqual([]);
    await reader.close();
    for (const later of [() => reader.poll({ timeoutMs: 0 }), () => reader.assign([]), () => reader.position({ topic, partition: 0 }), () => reader.seek({ topic, partition: 0 }, 0), () => reader.assignment()]) {
      const error = await rejectionOf(later);
      expect((error as Error).message).toBe('this Consumer is closed');
    }
    // Sockets close asynchronously once their channels are closed: wait for that, bounded.
    const deadline = Date.now() + 5_000;
    while (count(process.getActiveResourcesInfo()) > count(resourcesBefore) && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(count(process.getActiveResourcesInfo())).toBeLessThanOrEqual(count(resourcesBefore));
    expect(process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length).toBeLessThanOrEqual(resourcesBefore.filter((resource) => resource === 'Timeout').length);
  });
  // Last in this suite: it restarts the suite's only node.
  it('carries on after its node crashes and restarts, reading every record once, in order', async () => {
    const topic = uniqueName('restart');
    await kit.createTopic(topic, 1);
    await kit.rawProduce(topic, 0, recordsOf(range(10, 'before')));
    const reader = consumer({ retryBackoffMaxMs: 300 });
    await reader.assign([{ topic, partition: 0 }]);
    const records = await pollUntil(reader, 10);
    await kit.cluster.kill(1);
    await kit.cluster.restart(1);
    await kit.awaitServing(1, topic, 0);
    await kit.rawProduce(topic, 0, recordsOf(range(10, 'after')), { nodeId: 1 });
    records.push(...(await pollUntil(reader, 10, 30_000)));
    expect(valuesOf(records)).toEqual([...range(10, 'before'), ...range(10, 'after')]);
    expect(records.map((record) => record.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  }, 60_000);
});

describe('Consumer on three nodes', () => {
  let kit: ClientTestKit;
  let reader: StringConsumer | undefined;

  beforeAll(async () => {
    kit = await ClientTestKit.start(3);
  }, 60_000);

  afterAll(async () => {
    await reader?.close();
    await kit?.close();
  });

  it('re-routes to the new leader when the leader dies and reads every record once, in order', async () => {
    const topic = uniqueName('failover');
    const [leader] = await kit.createTopic(topic, 1, 3);
    const before = range(60, 'before');
    for (let i = 0; i < 60; i += 20) await kit.rawProduce(topic, 0, recordsOf(before.slice(i, i + 20)), { nodeId: leader });
    reader = new Consumer<string | null, string | null>({ bootstrapServers: kit.bootstrapServers, valueDeserializer: 'string', autoOffsetReset: 'earliest', retryBackoffMaxMs: 500 });
    await reader.assign([{ topic, partition: 0 }]);
    const seen = await reader.poll({ maxRecords: 25, timeoutMs: 20_000 });
    expect(seen.length).toBeGreaterThan(0);
    await kit.cluster.kill(leader as number);
    const newLeader = await kit.leaderOf(topic, 0, [leader as number]);
    expect(newLeader).not.toBe(leader);
    await kit.awaitServing(newLeader, topic, 0);
    const after = range(40, 'after');
    await kit.rawProduce(topic, 0, recordsOf(after), { nodeId: newLeader });
    seen.push(...(await pollUntil(reader, 100 - seen.length, 40_000)));
    expect(seen.map((record) => record.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(valuesOf(seen)).toEqual([...before, ...after]);
    expect(await reader.poll({ timeoutMs: 200 })).toEqual([]);
  }, 90_000);
});
