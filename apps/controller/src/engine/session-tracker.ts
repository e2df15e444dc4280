/**
 * SessionTracker: heartbeats are not metadata records, so liveness lives here, driven by the
 * injected clock. A storage node (or coordinator instance) whose session has not been refreshed
 * for its session timeout is expired: the engine fences it (or unregisters it), which moves its
 * leaderships (or shards) away. Sessions of nodes found in the metadata log when this controller
 * becomes active start fresh, so a failover does not fence everyone at once.
 */
import type { controller } from '@samsa/proto';
import type { SessionLiveness } from '../domain/index.js';

interface Session {
  epoch: number;
  lastSeenMs: number;
}

export class SessionTracker implements SessionLiveness {
  private readonly brokers = new Map<number, Session>();
  private readonly coordinators = new Map<string, Session>();

  constructor(
    private readonly nowMs: () => number,
    private readonly brokerTimeoutMs: number,
    private readonly coordinatorTimeoutMs: number,
  ) {}

  touchBroker(nodeId: number, brokerEpoch: number): void {
    this.brokers.set(nodeId, { epoch: brokerEpoch, lastSeenMs: this.nowMs() });
  }

  touchCoordinator(kind: controller.CoordinatorKind, instanceId: number, coordinatorEpoch: number): void {
    this.coordinators.set(`${kind}/${instanceId}`, { epoch: coordinatorEpoch, lastSeenMs: this.nowMs() });
  }

  forgetCoordinator(kind: controller.CoordinatorKind, instanceId: number): void {
    this.coordinators.delete(`${kind}/${instanceId}`);
  }

  isBrokerSessionLive(nodeId: number, brokerEpoch: number): boolean {
    const session = this.brokers.get(nodeId);
    return session !== undefined && session.epoch === brokerEpoch && this.nowMs() - session.lastSeenMs <= this.brokerTimeoutMs;
  }

  isCoordinatorSessionLive(kind: controller.CoordinatorKind, instanceId: number, coordinatorEpoch: number): boolean {
    const session = this.coordinators.get(`${kind}/${instanceId}`);
    return session !== undefined && session.epoch === coordinatorEpoch && this.nowMs() - session.lastSeenMs <= this.coordinatorTimeoutMs;
  }

  /** Registered nodes (node id → epoch) whose session has lapsed; unknown ones get a fresh session. */
  expiredBrokers(registered: ReadonlyArray<{ nodeId: number; brokerEpoch: number }>): Array<{ nodeId: number; brokerEpoch: number }> {
    return registered.filter(({ nodeId, brokerEpoch }) => {
      const session = this.brokers.get(nodeId);
      if (!session || session.epoch !== brokerEpoch) {
        this.touchBroker(nodeId, brokerEpoch);
        return false;
      }
      return this.nowMs() - session.lastSeenMs > this.brokerTimeoutMs;
    });
  }

  /** Registered coordinator instances whose session has lapsed; unknown ones get a fresh session. */
  expiredCoordinators(
    registered: ReadonlyArray<{ kind: controller.CoordinatorKind; instanceId: number; coordinatorEpoch: number }>,
  ): Array<{ kind: controller.CoordinatorKind; instanceId: number; coordinatorEpoch: number }> {
    return registered.filter(({ kind, instanceId, coordinatorEpoch }) => {
      const session = this.coordinators.get(`${kind}/${instanceId}`);
      if (!session || session.epoch !== coordinatorEpoch) {
        this.touchCoordinator(kind, instanceId, coordinatorEpoch);
        return false;
      }
      return this.nowMs() - session.lastSeenMs > this.coordinatorTimeoutMs;
    });
  }
}
