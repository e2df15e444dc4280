import { SerialQueue, silentLogger } from '@samsa/common';
import { describe, expect, it } from 'vitest';
import type { Preparation, PreparedAppend } from './append-preparation.js';
import { GROUP_APPEND_BYTES, GroupAppendQueue, type GroupMember, type GroupWriter, type QueuedAppend } from './group-append-queue.js';
import type { AppendOptions } from './log-store.js';

const options: AppendOptions = { origin: 'leader', leaderEpoch: 0 };

/** A writer that gives each append one offset, records the groups it writes, and can hold writes back. */
function fakeWriter(rules: { duplicate?: Set<number>; reject?: Set<number> } = {}) {
  let end = 0;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const groups: number[][] = [];
  const result = (offset: number, duplicate: boolean) => ({ baseOffset: offset, lastOffset: offset, logAppendTimeMs: -1, logStartOffset: 0, duplicate, recordCount: 1 });
  const writer: GroupWriter = {
    logEndOffset: () => end,
    prepare(pending: QueuedAppend, next: number): Preparation {
      const id = pending.batches.readUInt32BE(0);
      if (rules.reject?.has(id)) throw new Error(`rejected ${id}`);
      if (rules.duplicate?.has(id)) return { kind: 'duplicate', result: result(100 + id, true) };
      const stage = { commit: () => undefined } as unknown as PreparedAppend['stage'];
      return { kind: 'append', views: [], stage, aborts: [], baseOffset: next, lastOffset: next, maxTimestamp: -1, offsetOfMaxTimestamp: -1, recordCount: 1, logAppendTimeMs: -1 };
    },
    async writeGroup(group: GroupMember[]): Promise<void> {
      await gate;
      groups.push(group.map(({ pending }) => pending.batches.readUInt32BE(0)));
      for (const { pending, prepared } of group) {
        end = prepared.lastOffset + 1;
        pending.resolve({ result: result(prepared.baseOffset, false), flushTo: undefined });
      }
    },
  };
  return {
    writer,
    groups,
    hold: () => void (gate = new Promise<void>((resolve) => (open = resolve))),
    go: () => open(),
  };
}

const append = (id: number, size = 8) => {
  const bytes = Buffer.alloc(size);
  bytes.writeUInt32BE(id, 0);
  return bytes;
};

/** A queue whose writer is held with append `firstId` being written: what is enqueued next waits behind it. */
async function writingFirst(firstId: number) {
  const fake = fakeWriter();
  const queue = new GroupAppendQueue(new SerialQueue(), fake.writer, silentLogger);
  fake.hold();
  const first = queue.enqueue(append(firstId), [], options);
  await Promise.resolve();
  return { fake, queue, first };
}

describe('GroupAppendQueue', () => {
  it('writes appends that queued during a write as one group, in arrival order, with consecutive offsets', async () => {
    const { fake, queue, first } = await writingFirst(1);
    const rest = [2, 3, 4].map((id) => queue.enqueue(append(id), [], options));
    fake.go();
    const results = await Promise.all([first, ...rest]);
    expect(results.map((r) => r.result.baseOffset)).toEqual([0, 1, 2, 3]);
    expect(fake.groups).toEqual([[1], [2, 3, 4]]);
  });

  it('answers a duplicate at once and fails a rejected append alone; the others are written', async () => {
    const fake = fakeWriter({ duplicate: new Set([2]), reject: new Set([3]) });
    const queue = new GroupAppendQueue(new SerialQueue(), fake.writer, silentLogger);
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((id) => queue.enqueue(append(id), [], options)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.result.baseOffset : (o.reason as Error).message))).toEqual([0, 102, 'rejected 3', 1]);
    expect(fake.groups.flat()).toEqual([1, 4]);
  });

  it('splits a backlog into groups of at most GROUP_APPEND_BYTES', async () => {
    const { fake, queue, first } = await writingFirst(0);
    const size = GROUP_APPEND_BYTES / 4;
    const pending = [first];
    for (let id = 1; id <= 9; id++) pending.push(queue.enqueue(append(id, size), [], options));
    fake.go();
    await Promise.all(pending);
    expect(fake.groups).toEqual([[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('failQueued rejects every append still waiting', async () => {
    const { fake, queue, first } = await writingFirst(1);
    const waiting = queue.enqueue(append(2), [], options);
    queue.failQueued(new Error('log failed'));
    fake.go();
    await expect(waiting).rejects.toThrow('log failed');
    expect((await first).result.baseOffset).toBe(0);
  });
});
