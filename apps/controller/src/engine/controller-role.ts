/**
 * ControllerRole: active/standby. Every controller process campaigns in the metadata store's
 * election (with the embedded store there is one process, which wins at once). The winner loads
 * the metadata log into an engine and acts; every write it makes is fenced by its term. When its
 * leadership is lost (lease lapsed, key deleted) the engine steps down at once — later calls and
 * open watches fail with NOT_CONTROLLER naming the new leader — and the process campaigns again.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Logger } from '@samsa/common';
import { isMetadataStoreError, MetadataStoreErrorCode, type ElectionObserver, type Leadership, type MetadataStore } from '@samsa/metadata-store';
import { MetadataLogStore } from '../adapters/metadata-log-store.js';
import { createCluster, ensureInternalTopics, type ControllerConfig } from '../domain/index.js';
import { ControllerEngine } from './controller-engine.js';
import { startLivenessChecks } from './liveness-checker.js';
import { NotControllerError } from './metadata-log-port.js';
import { SessionTracker } from './session-tracker.js';

export interface ControllerRoleOptions {
  store: MetadataStore;
  config: ControllerConfig;
  clock: Clock;
  logger: Logger;
  /** host:port clients should use to reach this controller. */
  advertisedAddress: string;
  electionTtlMs: number;
  livenessCheckIntervalMs: number;
  snapshotEveryRecords: number;
  /** Key prefix of everything the controller keeps in the store. */
  prefix?: string;
}

export class ControllerRole {
  private engine: ControllerEngine | undefined;
  private tracker: SessionTracker | undefined;
  private leadership: Leadership | undefined;
  private observer: ElectionObserver | undefined;
  private stopLiveness: (() => void) | undefined;
  private activeAddress: string | undefined;
  private stopping = false;
  private readonly campaignAbort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly options: ControllerRoleOptions) {}

  private get prefix(): string {
    return this.options.prefix ?? '/samsa/';
  }

  get isActive(): boolean {
    return this.engine !== undefined && !this.engine.isDeposed;
  }

  /** Starts following and contesting the election; returns at once. */
  async start(): Promise<void> {
    this.observer = await this.options.store.observe(`${this.prefix}controller-election/`, (leader) => {
      this.activeAddress = leader?.value.toString();
    });
    this.running = this.campaignLoop();
  }

  private async campaignLoop(): Promise<void> {
    while (!this.stopping) {
      try {
        const leadership = await this.options.store.campaign(`${this.prefix}controller-election/`, Buffer.from(this.options.advertisedAddress), {
          ttlMs: this.options.electionTtlMs,
          signal: this.campaignAbort.signal,
        });
        await this.lead(leadership);
      } catch (error) {
        if (this.stopping || isMetadataStoreError(error, MetadataStoreErrorCode.ABORTED) || isMetadataStoreError(error, MetadataStoreErrorCode.CLOSED)) return;
        this.options.logger.error({ err: error }, 'controller term ended with an error; campaigning again');
        await this.options.clock.sleep(1000);
      }
    }
  }

  private async lead(leadership: Leadership): Promise<void> {
    const { logger, clock, config } = this.options;
    this.leadership = leadership;
    const tracker = new SessionTracker(() => clock.nowMs(), config.brokerSessionTimeoutMs, config.coordinatorSessionTimeoutMs);
    const engine = await ControllerEngine.start({
      port: new MetadataLogStore(this.options.store, leadership, `${this.prefix}metadata/`),
      controllerEpoch: leadership.epoch,
      config,
      clock,
      logger: logger.child({ component: 'ControllerEngine', controllerEpoch: leadership.epoch }),
      newUuid: randomUUID,
      sessions: tracker,
      snapshotEveryRecords: this.options.snapshotEveryRecords,
    });
    await engine.execute((image, context) => createCluster(image, context));
    await engine.execute((image, context) => ensureInternalTopics(image, context));
    this.tracker = tracker;
    this.engine = engine;
    this.stopLiveness = startLivenessChecks(engine, tracker, clock, logger.child({ component: 'LivenessChecks' }), this.options.livenessCheckIntervalMs).stop;
    logger.info({ controllerEpoch: leadership.epoch, version: engine.image.version, clusterId: engine.image.clusterId }, 'active controller');
    const reason = await leadership.lost;
    this.stopLiveness();
    engine.stepDown(`leadership lost (${reason})`);
    if (!this.stopping) logger.warn({ reason }, 'lost controller leadership; standing by');
  }

  /** The active engine, or NOT_CONTROLLER naming the active controller. */
  active(): ControllerEngine {
    const engine = this.engine;
    if (!engine || engine.isDeposed) {
      const known = this.activeAddress && this.activeAddress !== this.options.advertisedAddress ? this.activeAddress : undefined;
      throw new NotControllerError('this controller is not the active one', known);
    }
    return engine;
  }

  sessions(): SessionTracker {
    this.active();
    return this.tracker as SessionTracker;
  }

  /** Resigns (so a standby takes over at once) and closes the store. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopLiveness?.();
    this.engine?.stepDown('controller shutting down');
    this.campaignAbort.abort();
    if (this.leadership?.isLeader()) await this.leadership.resign().catch(() => undefined);
    await this.running;
    await this.observer?.cancel();
    await this.options.store.close();
  }
}
