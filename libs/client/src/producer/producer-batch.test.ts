import { CompressionType } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { BatchSink } from './delivery-sink.js';
import { ProducerBatch } from './producer-batch.js';

const value = Buffer.from('v');

/** Appends records at timestamps 100, 101, ...: `follower` ones take batch.follow(), the others go to `sink` in slots 0, 1, ... */
function fill(batch: ProducerBatch, kinds: Array<'follower' | 'sink'>, sink: BatchSink) {
  let slot = 0;
  return kinds.map((kind, index) => {
    const appended = batch.tryAppend(100 + index, null, value, undefined, 27, kind === 'follower' ? null : sink, kind === 'follower' ? 0 : slot++);
    expect(appended).toBe(true);
    return kind === 'follower' ? batch.follow() : undefined;
  });
}

describe('ProducerBatch', () => {
  it('gives every follower the offset and timestamp of its own record, also between sink records', async () => {
    const batch = new ProducerBatch('t', 3, 0, 16384, CompressionType.NONE);
    const kinds = ['follower', 'sink', 'follower', 'follower', 'sink', 'follower'] as const;
    const sink = new BatchSink(2);
    const followers = fill(batch, [...kinds], sink);
    batch.complete(1000, -1);
    const results = await Promise.all(followers);
    expect(await sink.promise).toEqual([
      { topic: 't', partition: 3, offset: 1001, timestamp: 101 },
      { topic: 't', partition: 3, offset: 1004, timestamp: 104 },
    ]);
    expect(results).toEqual([
      { topic: 't', partition: 3, offset: 1000, timestamp: 100 },
      undefined,
      { topic: 't', partition: 3, offset: 1002, timestamp: 102 },
      { topic: 't', partition: 3, offset: 1003, timestamp: 103 },
      undefined,
      { topic: 't', partition: 3, offset: 1005, timestamp: 105 },
    ]);
  });

  it('uses the LogAppendTime for every follower when the node gives one', async () => {
    const batch = new ProducerBatch('t', 0, 0, 16384, CompressionType.NONE);
    const followers = fill(batch, ['follower', 'follower'], new BatchSink(0));
    batch.complete(7, 555);
    expect((await Promise.all(followers)).map((metadata) => [metadata?.offset, metadata?.timestamp])).toEqual([
      [7, 555],
      [8, 555],
    ]);
  });

  it('rejects every follower with the batch error', async () => {
    const batch = new ProducerBatch('t', 0, 0, 16384, CompressionType.NONE);
    const followers = fill(batch, ['follower', 'follower'], new BatchSink(0));
    batch.fail(new Error('boom'));
    for (const follower of followers) await expect(follower).rejects.toThrow('boom');
  });
});
