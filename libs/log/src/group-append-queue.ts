/**
 * GroupAppendQueue: appends arriving while a write is in progress wait here and go out together
 * as one vectored write (group append), in arrival order: a busy producer stream pays one system
 * call for many batches. Each append is still prepared and answered on its own: a duplicate is
 * answered at once, a rejected one fails alone, the rest of the group is written.
 *
 * It owns only the queue and the grouping; the log prepares each append (offsets, producer
 * state) and writes each group, under its single-writer lock.
 */
import type { Logger, SerialQueue } from '@samsa/common';
import type { RecordBatchView } from '@samsa/records';
import type { Preparation, PreparedAppend } from './append-preparation.js';
import type { AppendOptions, AppendResult } from './log-store.js';

/** Largest group of queued appends written with one vectored write. */
export const GROUP_APPEND_BYTES = 4 * 1024 * 1024;

/** What an append resolves with: its result, and the offset to flush to first (flush.messages reached). */
export interface Appended {
  result: AppendResult;
  flushTo: number | undefined;
}

export interface QueuedAppend {
  batches: Buffer;
  views: RecordBatchView[];
  options: AppendOptions;
  resolve(appended: Appended): void;
  reject(error: unknown): void;
}

export interface GroupMember {
  pending: QueuedAppend;
  prepared: PreparedAppend;
}

/** The log's side of group appends. */
export interface GroupWriter {
  /** Where the next append starts when nothing is queued before it. */
  logEndOffset(): number;
  /** Prepares one append starting at `nextOffset`; throws to reject it. */
  prepare(pending: QueuedAppend, nextOffset: number): Preparation;
  /** Writes a group (already prepared and committed) and answers its members. */
  writeGroup(group: GroupMember[], bytes: number): Promise<void>;
}

export class GroupAppendQueue {
  private readonly queued: QueuedAppend[] = [];
  private draining = false;

  constructor(
    private readonly writes: SerialQueue,
    private readonly writer: GroupWriter,
    private readonly logger: Logger,
  ) {}

  /** Queues an append; resolves once its group is written. */
  enqueue(batches: Buffer, views: RecordBatchView[], options: AppendOptions): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      this.queued.push({ batches, views, options, resolve, reject });
      this.scheduleDrain();
    });
  }

  /** Fails every append still waiting (the log failed). */
  failQueued(error: unknown): void {
    for (const pending of this.queued.splice(0)) pending.reject(error);
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    void this.writes
      .run(() => this.drain())
      .catch((error: unknown) => this.logger.error({ err: error }, 'append failed'))
      .finally(() => {
        this.draining = false;
        if (this.queued.length > 0) this.scheduleDrain();
      });
  }

  /** Writes every queued append, in groups of at most GROUP_APPEND_BYTES. Runs as the single writer. */
  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const group: GroupMember[] = [];
      let bytes = 0;
      let next = this.writer.logEndOffset();
      while (this.queued.length > 0 && (group.length === 0 || bytes + (this.queued[0] as QueuedAppend).batches.length <= GROUP_APPEND_BYTES)) {
        const pending = this.queued.shift() as QueuedAppend;
        try {
          const prepared = this.writer.prepare(pending, next);
          if (prepared.kind === 'duplicate') {
            pending.resolve({ result: prepared.result, flushTo: undefined });
            continue;
          }
          // Visible to the next append of the group; a failed write fails the log for good.
          prepared.stage.commit();
          group.push({ pending, prepared });
          bytes += pending.batches.length;
          next = prepared.lastOffset + 1;
        } catch (error) {
          pending.reject(error);
        }
      }
      if (group.length > 0) await this.writer.writeGroup(group, bytes);
    }
  }
}
