/**
 * PositionResetter: gives unset positions a value with `StorageService.ListOffsets` on each
 * partition's leader — earliest (log start offset) or latest (high watermark, or last stable
 * offset under read_committed) — per an explicit seekToBeginning/seekToEnd or autoOffsetReset
 * (Kafka's OffsetFetcher.resetPositions). With autoOffsetReset=none a partition without a
 * position fails instead.
 *
 * Concurrency: several resets of one partition may overlap (the fetch loop and `position()`);
 * an answer is applied only when the partition's version is still the one it was asked under
 * and the position is still unset, so a seek made meanwhile always wins.
 */
import { SamsaError, type Logger } from '@samsa/common';
import { ErrorCode, IsolationLevel, storage } from '@samsa/proto';
import type { Connection } from '../connection/connection.js';
import { toSamsaError, unary } from '../connection/grpc-call.js';
import type { AutoOffsetReset, PartitionState, PartitionStates } from './partition-states.js';
import { describePartition } from './types.js';

const EARLIEST_TIMESTAMP = -2;
const LATEST_TIMESTAMP = -1;

export interface ResetterSettings {
  autoOffsetReset: AutoOffsetReset;
  readCommitted: boolean;
  requestTimeoutMs: number;
}

export interface ResetterHooks {
  /** A partition-level error from ListOffsets (re-route or fail the partition). */
  onPartitionError(state: PartitionState, error: SamsaError, hint: storage.LeaderHint | undefined): void;
  /** The request to a node failed as a whole. */
  onNodeError(nodeId: number, states: readonly PartitionState[], error: SamsaError): void;
  /** Positions were set or partitions failed: wake pollers, start fetching. */
  onChange(): void;
}

interface Lookup {
  state: PartitionState;
  version: number;
  timestampMs: number;
  leaderEpoch: number;
}

export class PositionResetter {
  constructor(
    private readonly connection: Connection,
    private readonly states: PartitionStates,
    private readonly settings: ResetterSettings,
    private readonly hooks: ResetterHooks,
    private readonly logger: Logger,
  ) {}

  /** One attempt for each of `states` still without a position; failures are left to the hooks (with backoff). */
  async reset(states: readonly PartitionState[]): Promise<void> {
    const byNode = new Map<number, Lookup[]>();
    let changed = false;
    for (const state of states) {
      if (state.position !== undefined || state.error) continue;
      const strategy = state.resetStrategy ?? (this.settings.autoOffsetReset === 'none' ? undefined : this.settings.autoOffsetReset);
      if (strategy === undefined) {
        this.states.fail(state, new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, `${describePartition(state)} has no committed offset and autoOffsetReset is none; seek() to a position first`, { retriable: false }));
        changed = true;
        continue;
      }
      const info = this.connection.partition(state.topic, state.partition);
      if (!info || info.leaderId < 0 || !this.connection.node(info.leaderId)) {
        this.hooks.onPartitionError(state, new SamsaError(ErrorCode.LEADER_NOT_AVAILABLE, `${describePartition(state)} has no known leader`), undefined);
        continue;
      }
      let list = byNode.get(info.leaderId);
      if (!list) byNode.set(info.leaderId, (list = []));
      list.push({ state, version: state.version, timestampMs: strategy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP, leaderEpoch: info.leaderEpoch });
    }
    const results = await Promise.all([...byNode].map(([nodeId, lookups]) => this.listOffsets(nodeId, lookups)));
    if (changed || results.some(Boolean)) this.hooks.onChange();
  }

  /** True when at least one position was set. */
  private async listOffsets(nodeId: number, lookups: readonly Lookup[]): Promise<boolean> {
    const topics = new Map<string, storage.ListOffsetsPartition[]>();
    for (const { state, timestampMs, leaderEpoch } of lookups) {
      let list = topics.get(state.topic);
      if (!list) topics.set(state.topic, (list = []));
      list.push({ partition: state.partition, currentLeaderEpoch: leaderEpoch, timestampMs });
    }
    const request = storage.ListOffsetsRequest.fromPartial({
      replicaId: -1,
      isolationLevel: this.settings.readCommitted ? IsolationLevel.ISOLATION_LEVEL_READ_COMMITTED : IsolationLevel.ISOLATION_LEVEL_READ_UNCOMMITTED,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    });
    let response: storage.ListOffsetsResponse;
    try {
      const client = this.connection.storage(nodeId);
      response = await unary(client, client.listOffsets, request, this.settings.requestTimeoutMs);
    } catch (error) {
      this.hooks.onNodeError(nodeId, lookups.map((lookup) => lookup.state), toSamsaError(error));
      return false;
    }
    let changed = false;
    for (const lookup of lookups) {
      const { state } = lookup;
      const result = response.topics.find((topic) => topic.topic === state.topic)?.partitions.find((partition) => partition.partition === state.partition);
      if (!result) {
        this.hooks.onPartitionError(state, new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, `node ${nodeId} did not answer ListOffsets for ${describePartition(state)}`), undefined);
      } else if (result.errorCode !== ErrorCode.NONE) {
        this.hooks.onPartitionError(state, new SamsaError(result.errorCode, `ListOffsets for ${describePartition(state)} on node ${nodeId}: ${result.errorMessage}`), result.currentLeader);
      } else if (this.states.completeReset(state, lookup.version, result.offset)) {
        this.logger.debug({ topic: state.topic, partition: state.partition, offset: result.offset }, 'position reset');
        changed = true;
      }
    }
    return changed;
  }
}
