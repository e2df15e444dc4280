/**
 * The active controller's periodic duties, on the injected clock: fence storage nodes and expire
 * coordinator instances whose sessions lapsed, and create the internal topics once enough storage
 * nodes are active. Each duty is an ordinary engine command, so it is fenced and durable like
 * any other.
 */
import type { Clock, Logger, TimerHandle } from '@samsa/common';
import { controller } from '@samsa/proto';
import { COORDINATOR_KINDS, ensureInternalTopics, expireCoordinator, fenceBroker } from '../domain/index.js';
import type { ControllerEngine } from './controller-engine.js';
import type { SessionTracker } from './session-tracker.js';

const FENCED = controller.BrokerState.BROKER_STATE_FENCED;

export function startLivenessChecks(engine: ControllerEngine, sessions: SessionTracker, clock: Clock, logger: Logger, intervalMs: number): { stop(): void } {
  let timer: TimerHandle | undefined;
  let stopped = false;

  const tick = async () => {
    const image = engine.image;
    const live = image.brokers().filter((broker) => broker.state !== FENCED);
    for (const { nodeId, brokerEpoch } of sessions.expiredBrokers(live.map((broker) => broker.registration))) {
      logger.warn({ nodeId, brokerEpoch }, 'storage node session expired; fencing it');
      await engine.execute((current) => fenceBroker(current, nodeId, controller.BrokerFenceReason.BROKER_FENCE_REASON_SESSION_EXPIRED, brokerEpoch));
    }
    const registered = COORDINATOR_KINDS.flatMap((kind) => engine.image.coordinators(kind));
    for (const { kind, instanceId, coordinatorEpoch } of sessions.expiredCoordinators(registered)) {
      logger.warn({ kind, instanceId }, 'coordinator session expired; moving its shards');
      await engine.execute((current) => expireCoordinator(current, kind, instanceId, coordinatorEpoch));
      sessions.forgetCoordinator(kind, instanceId);
    }
    await engine.execute((current, context) => ensureInternalTopics(current, context));
  };

  const schedule = () => {
    if (stopped) return;
    timer = clock.setTimer(intervalMs, () => {
      tick()
        .catch((error: unknown) => {
          if (!engine.isDeposed) logger.error({ err: error }, 'liveness check failed');
        })
        .finally(schedule);
    });
  };
  schedule();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
