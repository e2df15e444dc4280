/**
 * ControllerEngine: the active controller's single writer. Every command runs alone (a serial
 * queue): the domain handler decides on the current image, the records are stamped (version,
 * controller epoch, time, last_in_batch), appended to the metadata log with one fenced
 * compare-and-set, replayed into the image, published to watchers — and only then answered.
 *
 * If an append is fenced (another controller took over) the engine is deposed: it refuses every
 * later command with NOT_CONTROLLER and the process must step down. A record the image refuses
 * after a successful append is a broken invariant: the engine stops the same way (the log, not
 * memory, is the truth; a restart replays it).
 */
import { SerialQueue, type Clock, type Logger } from '@samsa/common';
import type { controller } from '@samsa/proto';
import { MetadataImage, type CommandContext, type ControllerConfig, type ControllerResult, type SessionLiveness } from '../domain/index.js';
import { MetadataFeed } from './metadata-feed.js';
import { NotControllerError, type MetadataLogPort } from './metadata-log-port.js';

export interface EngineOptions {
  port: MetadataLogPort;
  /** This controller's election term; stamped into every record. */
  controllerEpoch: number;
  config: ControllerConfig;
  clock: Clock;
  logger: Logger;
  newUuid: () => string;
  sessions: SessionLiveness;
  /** Write a snapshot (and drop older records) after this many records; default 1000. */
  snapshotEveryRecords?: number;
}

export type Handler<R> = (image: MetadataImage, context: CommandContext) => ControllerResult<R>;

export class ControllerEngine {
  readonly feed: MetadataFeed;
  private readonly commands = new SerialQueue();
  private deposed: Error | undefined;
  private recordsSinceSnapshot = 0;

  private constructor(
    private current: MetadataImage,
    private readonly options: EngineOptions,
  ) {
    this.feed = new MetadataFeed(() => this.current);
  }

  /** Loads the metadata log (snapshot + records) into a fresh image. */
  static async start(options: EngineOptions): Promise<ControllerEngine> {
    const loaded = await options.port.load();
    const image = loaded.snapshot ? MetadataImage.fromSnapshot(loaded.snapshot) : MetadataImage.empty();
    for (const record of loaded.records) image.apply(record);
    options.logger.info({ version: image.version, records: loaded.records.length, snapshot: loaded.snapshot?.version ?? 0 }, 'metadata log loaded');
    return new ControllerEngine(image, options);
  }

  get image(): MetadataImage {
    return this.current;
  }

  get isDeposed(): boolean {
    return this.deposed !== undefined;
  }

  /** Runs `handler` as the single writer; resolves with its response once its records are durable. */
  execute<R>(handler: Handler<R>): Promise<R> {
    return this.commands.run(() => this.runNow(handler));
  }

  private async runNow<R>(handler: Handler<R>): Promise<R> {
    if (this.deposed) throw new NotControllerError(`this controller is no longer active: ${this.deposed.message}`);
    const image = this.current;
    const nextVersion = image.version + 1;
    const { response, records } = handler(image, { nextVersion, config: this.options.config, newUuid: this.options.newUuid, sessions: this.options.sessions });
    if (records.length === 0) return response;
    const timestampMs = this.options.clock.nowMs();
    const stamped = records.map((record, i) => ({
      ...record,
      version: nextVersion + i,
      controllerEpoch: this.options.controllerEpoch,
      timestampMs,
      lastInBatch: i === records.length - 1,
    }));
    try {
      await this.options.port.append(stamped, image.version);
    } catch (error) {
      if (error instanceof NotControllerError) this.deposed = error;
      throw error;
    }
    try {
      for (const record of stamped) image.apply(record);
    } catch (error) {
      this.deposed = error as Error;
      this.options.logger.fatal({ err: error }, 'a durable metadata record broke an image invariant; stepping down');
      throw error;
    }
    this.feed.publish(stamped);
    this.recordsSinceSnapshot += stamped.length;
    if (this.recordsSinceSnapshot >= (this.options.snapshotEveryRecords ?? 1000)) await this.snapshot();
    return response;
  }

  private async snapshot(): Promise<void> {
    this.recordsSinceSnapshot = 0;
    const snapshot = this.current.toSnapshot();
    await this.options.port.writeSnapshot(snapshot);
    this.options.logger.debug({ version: snapshot.version }, 'metadata snapshot written');
  }

  /** Refuses every later command (leadership lost); open watches end. */
  stepDown(reason: string): void {
    this.deposed ??= new NotControllerError(reason);
    this.feed.close(this.deposed);
  }
}

export type { controller };
