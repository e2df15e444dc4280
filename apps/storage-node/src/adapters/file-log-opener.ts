/**
 * Partition logs on this node's data directory: `<dataDir>/<topic>-<partition>/`, each a
 * PartitionLog with its retention/compaction upkeep running on the node's clock.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Logger } from '@samsa/common';
import { oneAtATime, PartitionLog, startMaintenance, type LogStore } from '@samsa/log';
import type { AssignedPartition, LogOpener } from '../domain/replica-manager.js';

export interface FileLogSettings {
  /** Segment files with O_DIRECT (logDirectIo). */
  directIo: boolean;
  /** Offset-map memory of a compaction (logCleanerDedupeBufferSize). */
  offsetMapBytes: number;
}

export class FileLogOpener implements LogOpener {
  private readonly upkeep = new Map<LogStore, { stop(): Promise<void> }>();
  /** One compaction at a time on this node, like Kafka's single cleaner thread: one offset map in memory. */
  private readonly cleanerSlot = oneAtATime();

  constructor(
    private readonly dataDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: FileLogSettings,
  ) {}

  async open(assignment: AssignedPartition, highWatermark: () => number): Promise<LogStore> {
    const dir = join(this.dataDir, `${assignment.topic}-${assignment.state.topicPartition?.partition ?? 0}`);
    await mkdir(dir, { recursive: true });
    const log = await PartitionLog.open({ dir, config: { ...assignment.settings.log, directIo: this.settings.directIo }, clock: this.clock, logger: this.logger });
    this.upkeep.set(log, startMaintenance(log, this.clock, this.logger.child({ component: 'LogMaintenance', dir }), { highWatermark, offsetMapBytes: this.settings.offsetMapBytes, cleanerSlot: this.cleanerSlot }));
    return log;
  }

  async close(log: LogStore): Promise<void> {
    await this.upkeep.get(log)?.stop();
    this.upkeep.delete(log);
    await log.close();
  }

  async remove(log: LogStore): Promise<void> {
    await this.close(log);
    if (log instanceof PartitionLog) await rm(log.dir, { recursive: true, force: true });
  }
}
