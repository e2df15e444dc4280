/**
 * Transport for samsa.transaction.v1.TransactionCoordinatorService: decode, call the domain, encode.
 * InitProducerId (without a transactional id) and FindCoordinator are served; the transaction RPCs
 * arrive with the transactions issue and answer UNIMPLEMENTED until then, the honest state of an
 * unfinished contract.
 */
import type { Logger } from '@samsa/common';
import { ErrorCode, transaction } from '@samsa/proto';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import type { CoordinatorMetrics } from '../adapters/coordinator-metrics.js';
import { findCoordinators, type ShardOwners } from '../domain/find-coordinator.js';
import { initProducerId } from '../domain/init-producer-id.js';
import type { ProducerIdSource } from '../domain/producer-id-blocks.js';
import { transactionCoordinatorErrorStatus } from './error-status.js';

export interface TransactionCoordinatorDeps {
  producerIds: ProducerIdSource;
  shardOwners: ShardOwners;
  metrics: CoordinatorMetrics;
}

export function transactionCoordinatorServiceBinding(deps: TransactionCoordinatorDeps, logger: Logger): ServiceBinding {
  return bindService(
    transaction.TransactionCoordinatorServiceService,
    {
      async initProducerId(request) {
        const response = await initProducerId(request, deps.producerIds);
        if (response.errorCode === ErrorCode.NONE) deps.metrics.producerIdsIssued.inc();
        return response;
      },
      findCoordinator: async (request) => findCoordinators(request.keys, deps.shardOwners),
    },
    transactionCoordinatorErrorStatus,
    logger.child({ component: 'TransactionCoordinatorService' }),
  );
}
