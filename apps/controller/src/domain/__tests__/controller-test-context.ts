/**
 * Test builder for the controller's domain (Kafka GroupMetadataManagerTestContext style): an
 * image, a metadata log, and the persistence layer's part played in memory — each handler's
 * records are stamped (version, epoch, last_in_batch) and replayed into the image, exactly as the
 * real persistence layer does. Helpers register and unfence storage nodes with racks, create
 * topics, and check that replaying the whole log from scratch, and a snapshot round trip, give the
 * same image.
 */
import { controller, ErrorCode, type ConfigEntry } from '@samsa/proto';
import { expect } from 'vitest';
import { MetadataImage } from '@samsa/cluster-metadata';
import type { CommandContext, ControllerResult } from '../command.js';
import { type ControllerConfig, controllerConfig } from '../controller-config.js';
import { brokerHeartbeat, fenceBroker, registerBroker } from '../broker-handlers.js';
import { createCluster } from '../cluster-handlers.js';
import { createTopics } from '../create-topics.js';
import { registerCoordinator } from '../coordinator-handlers.js';

export const CLUSTER_ID = '00000000-0000-4000-8000-00000000c1d0';

/** A deterministic UUID generator: 00000000-0000-4000-8000-<12-digit counter>. */
export function uuidSequence(): () => string {
  let counter = 0;
  return () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
}

export function incarnation(nodeId: number, generation = 1): string {
  return `1ncarnat-${String(generation).padStart(4, '0')}-4000-8000-${String(nodeId).padStart(12, '0')}`;
}

export class ControllerTestContext {
  image = MetadataImage.empty();
  readonly config: ControllerConfig;
  /** Every stamped record, in version order. */
  readonly log: controller.MetadataRecord[] = [];
  /** `${nodeId}/${brokerEpoch}` of broker sessions the (simulated) heartbeat timer holds live. */
  readonly liveBrokerSessions = new Set<string>();
  /** `${kind}/${instanceId}/${epoch}` of live coordinator sessions. */
  readonly liveCoordinatorSessions = new Set<string>();
  private readonly newUuid = uuidSequence();

  constructor(overrides: Partial<ControllerConfig> = {}) {
    this.config = controllerConfig({ minSegmentBytes: 1024, ...overrides });
    this.replay(createCluster(this.image, { ...this.context(), newUuid: () => CLUSTER_ID }).records);
  }

  context(): CommandContext {
    return {
      nextVersion: this.image.version + 1,
      config: this.config,
      newUuid: this.newUuid,
      sessions: {
        isBrokerSessionLive: (nodeId, epoch) => this.liveBrokerSessions.has(`${nodeId}/${epoch}`),
        isCoordinatorSessionLive: (kind, id, epoch) => this.liveCoordinatorSessions.has(`${kind}/${id}/${epoch}`),
      },
    };
  }

  /** Stamps `records` as the next batch, appends them to the log and applies them to the image. */
  replay(records: readonly controller.MetadataRecord[]): controller.MetadataRecord[] {
    const stamped = records.map((record, index) => ({
      ...record,
      version: this.image.version + 1 + index,
      controllerEpoch: 1,
      timestampMs: 1_700_000_000_000,
      lastInBatch: index === records.length - 1,
    }));
    for (const record of stamped) {
      this.image.apply(record);
      this.log.push(record);
    }
    return stamped;
  }

  /** Runs a handler against the image and replays its records; returns the response. */
  run<Q, R>(handler: (image: MetadataImage, request: Q, context: CommandContext) => ControllerResult<R>, request: Q): R {
    const result = handler(this.image, request, this.context());
    this.replay(result.records);
    return result.response;
  }

  /** Registers a storage node (fenced); returns its broker epoch. */
  registerBroker(nodeId: number, rack = '', generation = 1): number {
    const request = controller.RegisterBrokerRequest.fromPartial({
      nodeId,
      incarnationId: incarnation(nodeId, generation),
      rack,
      listeners: [{ name: 'internal', host: `node-${nodeId}.local`, port: 9092 }],
      logDirs: [`/data/${nodeId}`],
    });
    const response = this.run(registerBroker, request);
    expect(response.errorCode).toBe(ErrorCode.NONE);
    this.liveBrokerSessions.add(`${nodeId}/${response.brokerEpoch}`);
    return response.brokerEpoch;
  }

  /** Heartbeats a registered node as caught up, which unfences it. */
  unfence(nodeId: number): void {
    const epoch = this.epochOf(nodeId);
    const response = this.run(brokerHeartbeat, controller.BrokerHeartbeatRequest.fromPartial({ nodeId, brokerEpoch: epoch, currentMetadataVersion: this.image.version }));
    expect(response.isFenced).toBe(false);
  }

  /** Registers and unfences nodes; `racks[i]` is node `firstId + i`'s rack. */
  addBrokers(racks: readonly string[], firstId = 0): number[] {
    const ids = racks.map((rack, index) => {
      this.registerBroker(firstId + index, rack);
      return firstId + index;
    });
    for (const id of ids) this.unfence(id);
    return ids;
  }

  /** Fences a node as its session timer would. */
  fence(nodeId: number): void {
    const result = fenceBroker(this.image, nodeId, controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED);
    this.replay(result.records);
    this.liveBrokerSessions.delete(`${nodeId}/${this.epochOf(nodeId)}`);
  }

  epochOf(nodeId: number): number {
    const broker = this.image.broker(nodeId);
    if (broker === undefined) throw new Error(`node ${nodeId} not registered`);
    return broker.registration.brokerEpoch;
  }

  /** Creates a topic and expects success; returns the result. */
  createTopic(name: string, numPartitions: number, replicationFactor: number, configs: ConfigEntry[] = []): controller.CreatableTopicResult {
    const response = this.run(createTopics, controller.CreateTopicsRequest.fromPartial({ topics: [{ name, numPartitions, replicationFactor, configs }] }));
    const result = response.topics[0];
    expect(result?.errorMessage).toBe('');
    return result as controller.CreatableTopicResult;
  }

  /** Registers a coordinator instance; returns the response. */
  registerCoordinator(kind: controller.CoordinatorKind, instanceId: number, generation = 1): controller.RegisterCoordinatorResponse {
    const request = controller.RegisterCoordinatorRequest.fromPartial({
      kind,
      instanceId,
      incarnationId: `c00rd1na-${String(generation).padStart(4, '0')}-4000-8000-${String(kind * 1000 + instanceId + 1).padStart(12, '0')}`,
      endpoint: { host: 'coordinator.local', port: 9300 + Math.max(instanceId, 0) },
    });
    const response = this.run(registerCoordinator, request);
    if (response.errorCode === ErrorCode.NONE) this.liveCoordinatorSessions.add(`${kind}/${response.instanceId}/${response.coordinatorEpoch}`);
    return response;
  }

  partition(topic: string, partition: number): controller.PartitionState {
    const state = this.image.partition(topic, partition);
    if (state === undefined) throw new Error(`${topic}-${partition} does not exist`);
    return state;
  }

  /** Replaying the log from scratch, and a snapshot round trip, both give the current image. */
  expectReplayConsistent(): void {
    const replayed = MetadataImage.empty();
    for (const record of this.log) replayed.apply(record);
    const snapshot = this.image.toSnapshot();
    expect(replayed.toSnapshot()).toEqual(snapshot);
    const decoded = controller.MetadataSnapshot.decode(controller.MetadataSnapshot.encode(snapshot).finish());
    expect(MetadataImage.fromSnapshot(decoded).toSnapshot()).toEqual(snapshot);
  }

  /** The cluster-wide partition invariants every handler must keep. */
  expectPartitionInvariants(): void {
    for (const topic of this.image.topics()) {
      for (const state of topic.partitions) {
        expect(state.isr.length).toBeGreaterThan(0);
        if (state.leaderId !== -1) {
          expect(state.isr).toContain(state.leaderId);
          expect(this.image.broker(state.leaderId)?.state).not.toBe(controller.BrokerState.BROKER_STATE_FENCED);
        }
      }
    }
  }
}
