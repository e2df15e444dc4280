/**
 * IsrProposer: the leader side of ISR changes (spec §6.4). Periodically asks each led partition
 * whether its ISR should change (lagging followers out, caught-up ones in) and proposes it to
 * the controller with AlterPartition (leader and partition epochs checked there); the accepted
 * state comes back and is applied at once. One proposal per partition in flight.
 */
import type { Clock, Logger, TimerHandle } from '@samsa/common';
import { ErrorCode, type controller } from '@samsa/proto';
import type { Counter } from 'prom-client';
import type { ReplicaManager } from '../domain/replica-manager.js';

export interface IsrProposerOptions {
  replicas: ReplicaManager;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  alterPartition(request: controller.AlterPartitionRequest): Promise<controller.AlterPartitionResponse>;
  session(): { nodeId: number; brokerEpoch: number };
  shrinks: Counter;
  expands: Counter;
}

export function startIsrProposer(options: IsrProposerOptions): { stop(): void } {
  let timer: TimerHandle | undefined;
  let stopped = false;
  const tick = async () => {
    const { nodeId, brokerEpoch } = options.session();
    if (brokerEpoch < 0) return;
    for (const partition of options.replicas.all()) {
      const proposal = partition.isrProposal();
      if (!proposal) continue;
      const state = partition.partitionState;
      partition.markProposing(true);
      try {
        const response = await options.alterPartition({
          nodeId,
          brokerEpoch,
          partitions: [{ topicPartition: state.topicPartition, topicId: state.topicId, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, newIsr: proposal }],
        });
        const result = response.partitions[0];
        if (result?.partition) partition.applyState(result.partition);
        if (result?.errorCode === ErrorCode.NONE) {
          (proposal.length < state.isr.length ? options.shrinks : options.expands).inc();
          options.logger.info({ topic: partition.topic, partition: partition.index, from: state.isr, to: proposal }, 'ISR changed');
        } else {
          options.logger.debug({ topic: partition.topic, partition: partition.index, errorCode: result?.errorCode ?? response.errorCode }, 'ISR change refused');
        }
      } catch (error) {
        options.logger.debug({ err: error }, 'AlterPartition failed');
      } finally {
        partition.markProposing(false);
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = options.clock.setTimer(options.intervalMs, () => void tick().finally(schedule));
  };
  schedule();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
