/**
 * ReplicaManager: the partitions this storage node hosts, kept in line with the controller's
 * metadata. `applyAssignments` is called with every partition the metadata says this node is a
 * replica of; new ones get their log opened, changed ones their new state (become leader or
 * follower), vanished ones are closed and their data removed.
 *
 * Concurrency: assignments are applied one batch at a time (a serial queue); produce and fetch
 * look partitions up without waiting.
 */
import { SerialQueue, type Clock, type Logger } from '@samsa/common';
import type { LogStore } from '@samsa/log';
import type { controller } from '@samsa/proto';
import { Partition, type PartitionSettings } from './partition.js';
import type { TopicSettings } from './topic-log-config.js';

export interface AssignedPartition {
  topic: string;
  topicId: string;
  state: controller.PartitionState;
  settings: TopicSettings;
}

/** Opens, closes and removes partition logs (the file system lives behind this port). */
export interface LogOpener {
  open(assignment: AssignedPartition, highWatermark: () => number): Promise<LogStore>;
  close(log: LogStore): Promise<void>;
  remove(log: LogStore): Promise<void>;
}

export interface ReplicaManagerOptions {
  nodeId: number;
  replicaLagTimeMaxMs: number;
  opener: LogOpener;
  clock: Clock;
  logger: Logger;
  /** Called when a partition becomes a follower (or changes leader), to (re)start replication. */
  onFollowerChange?: (partition: Partition) => void;
}

export const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  private readonly topicIds = new Map<string, string>();
  private readonly applying = new SerialQueue();

  constructor(private readonly options: ReplicaManagerOptions) {}

  get(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(partitionKey(topic, partition));
  }

  all(): Partition[] {
    return [...this.partitions.values()];
  }

  topicIdOf(topic: string): string | undefined {
    return this.topicIds.get(topic);
  }

  private settingsFor(assignment: AssignedPartition): PartitionSettings {
    return { nodeId: this.options.nodeId, minInsyncReplicas: assignment.settings.minInsyncReplicas, replicaLagTimeMaxMs: this.options.replicaLagTimeMaxMs };
  }

  /** Makes the hosted partitions exactly `assignments`. */
  applyAssignments(assignments: readonly AssignedPartition[]): Promise<void> {
    return this.applying.run(() => this.apply(assignments)).catch((error: unknown) => this.options.logger.error({ err: error }, 'applying partition assignments failed'));
  }

  private async apply(assignments: readonly AssignedPartition[]): Promise<void> {
    const wanted = new Set<string>();
    for (const assignment of assignments) {
      const key = partitionKey(assignment.topic, assignment.state.topicPartition?.partition ?? -1);
      wanted.add(key);
      const existing = this.partitions.get(key);
      if (existing && this.topicIds.get(assignment.topic) !== assignment.topicId) {
        // Same name, new topic: the old data belongs to the deleted one.
        this.partitions.delete(key);
        await this.options.opener.remove(existing.log);
      } else if (existing) {
        const roleBefore = existing.role;
        const leaderBefore = existing.leaderId;
        const epochBefore = existing.leaderEpoch;
        existing.applyState(assignment.state, this.settingsFor(assignment));
        if (existing.role === 'follower' && (roleBefore !== 'follower' || leaderBefore !== existing.leaderId || epochBefore !== existing.leaderEpoch)) this.options.onFollowerChange?.(existing);
        continue;
      }
      this.topicIds.set(assignment.topic, assignment.topicId);
      // The log's upkeep asks for the high watermark of the partition built around it.
      const holder: { partition?: Partition } = {};
      const log = await this.options.opener.open(assignment, () => holder.partition?.highWatermark ?? 0);
      const partition = new Partition(assignment.topic, assignment.state.topicPartition?.partition ?? -1, log, assignment.state, this.settingsFor(assignment), this.options.clock);
      holder.partition = partition;
      this.partitions.set(key, partition);
      this.options.logger.info({ topic: partition.topic, partition: partition.index, role: partition.role, leaderEpoch: partition.leaderEpoch }, 'hosting partition');
      if (partition.role === 'follower') this.options.onFollowerChange?.(partition);
    }
    for (const [key, partition] of this.partitions) {
      if (wanted.has(key)) continue;
      this.partitions.delete(key);
      partition.changes.notify();
      await this.options.opener.remove(partition.log);
      this.options.logger.info({ topic: partition.topic, partition: partition.index }, 'no longer a replica; removed the partition');
    }
  }

  /** Closes every log cleanly (shutdown). */
  async close(): Promise<void> {
    await this.applying.drain();
    for (const partition of this.partitions.values()) await this.options.opener.close(partition.log);
    this.partitions.clear();
  }
}
