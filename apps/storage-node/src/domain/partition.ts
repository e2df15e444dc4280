/**
 * Partition: one replica of one partition on this storage node, over its LogStore (spec §6).
 *
 * Leader: appends client batches (offsets, leader epoch), tracks each follower's log end offset
 * from its fetches, advances the high watermark to the minimum log end offset of the ISR (only
 * while the ISR has at least min.insync.replicas members), and proposes ISR changes: a follower
 * that has not caught up for replica.lag.time.max.ms leaves, one that reached the high watermark
 * joins. Follower: appends the leader's batches as they are and takes the leader's high watermark
 * (capped at its own log end offset).
 *
 * State from the controller (replicas, ISR, leader, epochs) changes only through `applyState`;
 * ISR proposals go out through the `proposeIsr` port and come back as new state. Concurrency:
 * the LogStore serializes appends; everything else here is synchronous.
 *
 * Leader epochs (spec §6.6): becoming leader for a new epoch records (epoch, log end offset) in
 * the log's leader-epoch cache at once, before any write in it, so followers asking
 * OffsetsForLeaderEpoch about an epoch this leader never wrote in learn where it ends; leader
 * appends wait for that assignment. Stopping leading drops such an epoch again if nothing was
 * written in it, so the follower never reports an epoch it holds no record of.
 */
import { ErrorCode, type controller } from '@samsa/proto';
import { SamsaError, type Clock } from '@samsa/common';
import type { AppendResult, LogStore } from '@samsa/log';
import { ChangeSignal } from './change-signal.js';
import { ReplicationWaiters } from './replication-waiters.js';

export type Role = 'leader' | 'follower' | 'none';

interface FollowerState {
  logEndOffset: number;
  lastCaughtUpMs: number;
}

export interface PartitionSettings {
  nodeId: number;
  minInsyncReplicas: number;
  replicaLagTimeMaxMs: number;
}

export class Partition {
  readonly changes = new ChangeSignal();
  private state: controller.PartitionState;
  private hw: number;
  private followers = new Map<number, FollowerState>();
  private proposing = false;
  private readonly waiters: ReplicationWaiters;
  /** The log recording the leader epoch this replica just became leader for; leader appends wait for it. */
  private epochAssignment: Promise<void> | undefined;

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: LogStore,
    state: controller.PartitionState,
    private settings: PartitionSettings,
    private readonly clock: Clock,
  ) {
    this.state = state;
    this.waiters = new ReplicationWaiters(clock);
    this.hw = Math.max(log.logStartOffset, Math.min(log.recoveryPoint, log.logEndOffset));
    this.applyState(state, settings);
  }

  get role(): Role {
    if (this.state.leaderId === this.settings.nodeId) return 'leader';
    return this.state.replicas.includes(this.settings.nodeId) ? 'follower' : 'none';
  }

  get leaderId(): number {
    return this.state.leaderId;
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  get partitionState(): controller.PartitionState {
    return this.state;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get isr(): readonly number[] {
    return this.state.isr;
  }

  /** read_committed upper bound (spec §8.7). */
  get lastStableOffset(): number {
    return Math.min(this.log.firstUnstableOffset() ?? this.hw, this.hw);
  }

  /** New state from the controller (or our own accepted ISR change). */
  applyState(state: controller.PartitionState, settings: PartitionSettings = this.settings): void {
    const wasLeaderEpoch = this.state.leaderEpoch;
    const wasLeader = this.role === 'leader';
    const becameLeader = state.leaderId === settings.nodeId && (this.role !== 'leader' || state.leaderEpoch !== wasLeaderEpoch || this.followers.size === 0);
    this.state = state;
    this.settings = settings;
    if (becameLeader) {
      const now = this.clock.nowMs();
      this.followers = new Map(state.replicas.filter((id) => id !== settings.nodeId).map((id) => [id, { logEndOffset: -1, lastCaughtUpMs: state.isr.includes(id) ? now : 0 }]));
      if (state.leaderEpoch > this.log.latestEpoch) this.assignLeaderEpoch(state.leaderEpoch);
    } else if (wasLeader && this.role !== 'leader') {
      // Failures are logged by the log; an epoch left behind is dropped on its next reopen.
      this.log.dropUnwrittenLeaderEpochs().catch(() => undefined);
    }
    if (this.role !== 'leader') this.waiters.failAll(() => this.notLeader());
    else if (state.isr.length < settings.minInsyncReplicas) this.waiters.failAll(() => this.shrunkBelowMinIsr());
    else this.maybeAdvanceHighWatermark();
    this.changes.notify();
  }

  /**
   * Records the new leader epoch in the log (submitted now, so it runs before any append of the
   * epoch). A failure is answered to the appends waiting for it (KAFKA_STORAGE_ERROR); the log
   * then records the epoch on its first write, as without an assignment.
   */
  private assignLeaderEpoch(epoch: number): void {
    const assignment: Promise<void> = this.log.assignLeaderEpoch(epoch).finally(() => {
      if (this.epochAssignment === assignment) this.epochAssignment = undefined;
    });
    assignment.catch(() => undefined);
    this.epochAssignment = assignment;
  }

  /** The leader-side checks and append of a client produce (spec §6.5). */
  async appendAsLeader(batches: Buffer, acks: number): Promise<AppendResult> {
    this.requireLeader();
    while (this.epochAssignment) {
      await this.epochAssignment;
      this.requireLeader();
    }
    if (acks === -1 && this.state.isr.length < this.settings.minInsyncReplicas) {
      throw new SamsaError(ErrorCode.NOT_ENOUGH_REPLICAS, `ISR of ${this.topic}-${this.index} has ${this.state.isr.length} members, min.insync.replicas is ${this.settings.minInsyncReplicas}`);
    }
    // Headers and CRCs only: records are never decoded on the hot path.
    const result = await this.log.append(batches, { origin: 'leader', leaderEpoch: this.state.leaderEpoch, validateRecords: false });
    this.maybeAdvanceHighWatermark();
    this.changes.notify();
    return result;
  }

  /**
   * Resolves once the high watermark passes `lastOffset` (an acks=all append is complete);
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND if by then the ISR is below min.insync.replicas,
   * REQUEST_TIMED_OUT after `timeoutMs`, NOT_LEADER_OR_FOLLOWER if leadership moves first.
   */
  async awaitReplication(lastOffset: number, timeoutMs: number): Promise<void> {
    if (this.role !== 'leader') throw this.notLeader();
    if (this.hw <= lastOffset) {
      await this.waiters.wait(lastOffset, timeoutMs, () => new SamsaError(ErrorCode.REQUEST_TIMED_OUT, `${this.topic}-${this.index}: not replicated to the ISR within ${timeoutMs} ms`));
    }
    if (this.state.isr.length < this.settings.minInsyncReplicas) throw this.shrunkBelowMinIsr();
  }

  private shrunkBelowMinIsr(): SamsaError {
    return new SamsaError(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, `ISR of ${this.topic}-${this.index} shrank below min.insync.replicas after the append`);
  }

  /** A follower fetched from `fetchOffset`: it has everything below it. */
  recordFollowerFetch(replicaId: number, fetchOffset: number): void {
    const follower = this.followers.get(replicaId);
    if (!follower || this.role !== 'leader') return;
    follower.logEndOffset = fetchOffset;
    if (fetchOffset >= this.log.logEndOffset) follower.lastCaughtUpMs = this.clock.nowMs();
    this.maybeAdvanceHighWatermark();
  }

  private maybeAdvanceHighWatermark(): void {
    if (this.role !== 'leader' || this.state.isr.length < this.settings.minInsyncReplicas) return;
    let candidate = this.log.logEndOffset;
    for (const id of this.state.isr) {
      if (id === this.settings.nodeId) continue;
      candidate = Math.min(candidate, this.followers.get(id)?.logEndOffset ?? -1);
    }
    if (candidate > this.hw) {
      this.hw = candidate;
      this.waiters.complete(candidate);
      this.changes.notify();
    }
  }

  /** Follower: the leader's high watermark, capped at what this replica has. */
  updateFollowerHighWatermark(leaderHighWatermark: number): void {
    const next = Math.min(leaderHighWatermark, this.log.logEndOffset);
    if (next > this.hw) {
      this.hw = next;
      this.changes.notify();
    }
  }

  /** After a follower truncation. */
  resetHighWatermarkTo(offset: number): void {
    this.hw = Math.min(this.hw, offset);
  }

  /**
   * The ISR the leader should propose now, or undefined: lagging followers out, caught-up
   * followers (at or past the high watermark) in. At most one proposal in flight.
   */
  isrProposal(): number[] | undefined {
    if (this.role !== 'leader' || this.proposing) return undefined;
    const now = this.clock.nowMs();
    const isr = new Set(this.state.isr);
    for (const [id, follower] of this.followers) {
      if (isr.has(id) && now - follower.lastCaughtUpMs > this.settings.replicaLagTimeMaxMs) isr.delete(id);
      else if (!isr.has(id) && follower.logEndOffset >= this.hw && follower.logEndOffset >= this.log.logEndOffset) isr.add(id);
    }
    const proposal = this.state.replicas.filter((id) => isr.has(id));
    const same = proposal.length === this.state.isr.length && proposal.every((id) => this.state.isr.includes(id));
    return same ? undefined : proposal;
  }

  markProposing(proposing: boolean): void {
    this.proposing = proposing;
  }

  requireLeader(): void {
    if (this.role !== 'leader') throw this.notLeader();
  }

  /** Checks a client's view of the leader epoch (KIP-320); -1 skips the check. */
  checkLeaderEpoch(currentLeaderEpoch: number): void {
    if (currentLeaderEpoch < 0) return;
    if (currentLeaderEpoch < this.state.leaderEpoch) throw new SamsaError(ErrorCode.FENCED_LEADER_EPOCH, `leader epoch ${currentLeaderEpoch} is older than ${this.state.leaderEpoch}`);
    if (currentLeaderEpoch > this.state.leaderEpoch) throw new SamsaError(ErrorCode.UNKNOWN_LEADER_EPOCH, `leader epoch ${currentLeaderEpoch} is newer than ${this.state.leaderEpoch}`);
  }

  notLeader(): SamsaError {
    return new SamsaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `node ${this.settings.nodeId} does not lead ${this.topic}-${this.index} (leader ${this.state.leaderId}, epoch ${this.state.leaderEpoch})`);
  }
}
