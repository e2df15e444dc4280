/**
 * Liveness states of a registered storage node (controller.BrokerState) and their legal
 * transitions, checked on replay (Kafka `ClassicGroupState` keeps valid previous states beside the
 * enum the same way).
 *
 *   (registration) ──► FENCED ──unfence──► ACTIVE ──controlled shutdown──► SHUTTING_DOWN
 *                        ▲                   │                                │
 *                        └──────fence────────┴──────────────fence─────────────┘
 *
 * A BrokerRegisteredRecord always (re)starts the node in FENCED, whatever it was before.
 * Invariants: only ACTIVE nodes are chosen as leaders, added to ISRs or given new replicas;
 * a FENCED node leads nothing; a SHUTTING_DOWN node keeps only leaderships that cannot move.
 */
import { controller } from '@samsa/proto';

const { BROKER_STATE_FENCED: FENCED, BROKER_STATE_ACTIVE: ACTIVE, BROKER_STATE_SHUTTING_DOWN: SHUTTING_DOWN } = controller.BrokerState;

/** For each state, the states a replayed record may move a node to. */
export const BROKER_STATE_TRANSITIONS: ReadonlyMap<controller.BrokerState, readonly controller.BrokerState[]> = new Map([
  [FENCED, [ACTIVE]],
  [ACTIVE, [FENCED, SHUTTING_DOWN]],
  [SHUTTING_DOWN, [FENCED]],
]);

/** Throws (broken invariant) unless `from → to` is a legal transition. */
export function checkBrokerTransition(nodeId: number, from: controller.BrokerState, to: controller.BrokerState): void {
  if (!(BROKER_STATE_TRANSITIONS.get(from) ?? []).includes(to)) {
    throw new Error(
      `illegal state transition of storage node ${nodeId}: ${controller.brokerStateToJSON(from)} -> ${controller.brokerStateToJSON(to)}`,
    );
  }
}

/** True when a node in `state` may lead partitions and join ISRs. */
export function isEligibleState(state: controller.BrokerState | undefined): boolean {
  return state === ACTIVE;
}
