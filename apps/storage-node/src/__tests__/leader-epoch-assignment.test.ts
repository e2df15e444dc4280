/**
 * A partition that becomes leader records its new leader epoch in the log at once, before any
 * write in it (spec §6.6, Kafka's `assign` on the leader transition), and its first appends wait
 * for that; one that stops leading drops the epoch again when it wrote nothing in it.
 */
import { ManualClock, SamsaError } from '@samsa/common';
import { InMemoryLogStore, LeaderEpochCache, type AppendOptions, type AppendResult } from '@samsa/log';
import { controller, ErrorCode } from '@samsa/proto';
import { buildRecordBatch } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { truncationForEpochEnd } from '../domain/follower-truncation.js';
import { Partition } from '../domain/partition.js';

/** An in-memory log that records the calls the partition makes and can hold or fail epoch assignments. */
class RecordingLog extends InMemoryLogStore {
  readonly calls: string[] = [];
  private readonly pending: Array<Promise<unknown>> = [];
  private hold: Promise<void> | undefined;
  private release: () => void = () => undefined;
  failNextAssignment = false;

  holdAssignments(): void {
    this.hold = new Promise((resolve) => (this.release = resolve));
  }

  releaseAssignments(): void {
    this.release();
  }

  /** Settles once every epoch assignment or drop started so far has. */
  async idle(): Promise<void> {
    await Promise.allSettled(this.pending);
  }

  override assignLeaderEpoch(epoch: number): Promise<void> {
    this.calls.push(`assign ${epoch}`);
    const fail = this.failNextAssignment;
    this.failNextAssignment = false;
    const assign = () => (fail ? Promise.reject(new SamsaError(ErrorCode.KAFKA_STORAGE_ERROR, 'disk gone')) : super.assignLeaderEpoch(epoch));
    // Submitted to the log at once (as the partition does), unless held.
    const done = this.hold ? this.hold.then(assign) : assign();
    this.pending.push(done);
    return done;
  }

  override dropUnwrittenLeaderEpochs(): Promise<void> {
    this.calls.push('drop');
    const done = super.dropUnwrittenLeaderEpochs();
    this.pending.push(done);
    return done;
  }

  override append(batches: Buffer, options: AppendOptions): Promise<AppendResult> {
    this.calls.push(`append ${options.leaderEpoch ?? 'replica'}`);
    return super.append(batches, options);
  }
}

const NODE = 1;
const settings = { nodeId: NODE, minInsyncReplicas: 1, replicaLagTimeMaxMs: 30_000 };

function state(leaderId: number, leaderEpoch: number): controller.PartitionState {
  return controller.PartitionState.fromPartial({ topicPartition: { topic: 't', partition: 0 }, topicId: 'id', replicas: [1, 2, 3], isr: [1, 2, 3], leaderId, leaderEpoch, partitionEpoch: leaderEpoch });
}

const batch = (count: number) => buildRecordBatch(Array.from({ length: count }, (_, i) => ({ value: `v${i}`, timestamp: 1 })));

/** A log holding offsets 0-1 written in epoch 1. */
async function logWithEpochOne(): Promise<RecordingLog> {
  const log = new RecordingLog();
  await log.append(batch(2), { origin: 'leader', leaderEpoch: 1 });
  log.calls.length = 0;
  return log;
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('leader epoch assignment on the leader transition', () => {
  it('records the new epoch at the log end before anything is written in it, so a follower ahead in an epoch the leader never wrote in learns where to cut', async () => {
    const log = await logWithEpochOne();
    new Partition('t', 0, log, state(NODE, 3), settings, new ManualClock());
    await log.idle();
    expect(log.calls).toEqual(['assign 3']);
    expect([log.latestEpoch, log.logEndOffset]).toEqual([3, 2]);
    // Leader answer to OffsetsForLeaderEpoch(2): epoch 1 ends at 2 (without the assignment: UNDEFINED).
    const answer = log.endOffsetForEpoch(2);
    expect(answer).toEqual({ epoch: 1, startOffset: 2 });

    // A follower that led epoch 2 and wrote offsets 2-4 nobody replicated cuts exactly those.
    const followerCache = new LeaderEpochCache([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 2 },
    ]);
    const follower = { logStartOffset: 0, logEndOffset: 5, latestEpoch: 2, endOffsetForEpoch: (epoch: number) => followerCache.endOffsetFor(epoch, 5) };
    expect(truncationForEpochEnd({ epoch: answer.epoch, endOffset: answer.startOffset }, follower, 5)).toEqual({ offset: 2, complete: true, rule: 'common-epoch' });
  });

  it('holds leader appends until the epoch is recorded', async () => {
    const log = await logWithEpochOne();
    log.holdAssignments();
    const partition = new Partition('t', 0, log, state(NODE, 3), settings, new ManualClock());
    const appending = partition.appendAsLeader(batch(1), 1);
    await settled();
    expect(log.calls).toEqual(['assign 3']);
    log.releaseAssignments();
    expect((await appending).baseOffset).toBe(2);
    expect(log.calls).toEqual(['assign 3', 'append 3']);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
  });

  it('assigns nothing when the log already has the epoch, and a newer epoch when leadership comes back', async () => {
    const log = await logWithEpochOne();
    const partition = new Partition('t', 0, log, state(NODE, 1), settings, new ManualClock());
    expect((await partition.appendAsLeader(batch(1), 1)).baseOffset).toBe(2);
    partition.applyState(state(NODE, 4));
    expect((await partition.appendAsLeader(batch(1), 1)).baseOffset).toBe(3);
    expect(log.calls).toEqual(['append 1', 'assign 4', 'append 4']);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 3 });
  });

  it('fails the appends waiting for an assignment that could not be recorded; later ones go on', async () => {
    const log = await logWithEpochOne();
    log.failNextAssignment = true;
    const partition = new Partition('t', 0, log, state(NODE, 3), settings, new ManualClock());
    await expect(partition.appendAsLeader(batch(1), 1)).rejects.toMatchObject({ code: ErrorCode.KAFKA_STORAGE_ERROR });
    expect((await partition.appendAsLeader(batch(1), 1)).baseOffset).toBe(2);
    // Without the assignment the first write in the epoch records it, as before.
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, startOffset: 2 });
    expect(log.latestEpoch).toBe(3);
  });

  it('drops the epoch when leadership moves on before anything was written in it', async () => {
    const log = await logWithEpochOne();
    const partition = new Partition('t', 0, log, state(NODE, 3), settings, new ManualClock());
    partition.applyState(state(2, 4));
    await log.idle();
    expect(log.calls).toEqual(['assign 3', 'drop']);
    // As a follower it reports epoch 1, which the new leader knows, not 3, which it never saw.
    expect(log.latestEpoch).toBe(1);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
  });

  it('keeps the epoch when leadership moves on after a write in it', async () => {
    const log = await logWithEpochOne();
    const partition = new Partition('t', 0, log, state(NODE, 3), settings, new ManualClock());
    await partition.appendAsLeader(batch(1), 1);
    partition.applyState(state(2, 4));
    await log.idle();
    expect(log.latestEpoch).toBe(3);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, startOffset: 2 });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, startOffset: 3 });
  });
});
