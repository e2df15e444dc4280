#!/usr/bin/env node
/** The transaction coordinator: producer ids, transactional ids and two-phase commit. Composition root. */
import { runService } from '@samsa/service-kit';
import { ControllerLink } from './adapters/controller-link.js';
import { createCoordinatorMetrics } from './adapters/coordinator-metrics.js';
import { controllerProducerIdAllocator } from './adapters/producer-id-allocator.js';
import { transactionCoordinatorConfigSchema } from './config.js';
import { ProducerIdBlocks } from './domain/producer-id-blocks.js';
import { transactionCoordinatorServiceBinding } from './grpc/transaction-coordinator.grpc.js';

await runService('transaction-coordinator', transactionCoordinatorConfigSchema, ({ config, logger, clock, metrics }) => {
  const link = new ControllerLink({
    controllerAddress: config.controllerAddress,
    instanceId: config.instanceId,
    requestTimeoutMs: config.controllerRequestTimeoutMs,
    clock,
    logger: logger.child({ component: 'ControllerLink' }),
  });
  const producerIds = new ProducerIdBlocks({
    allocate: controllerProducerIdAllocator({
      link,
      clock,
      logger: logger.child({ component: 'ProducerIdAllocator' }),
      retryBackoffMs: config.producerIdBlockRetryBackoffMs,
      retryBackoffMaxMs: config.producerIdBlockRetryBackoffMaxMs,
      timeoutMs: config.producerIdBlockTimeoutMs,
    }),
  });
  const coordinatorMetrics = createCoordinatorMetrics(metrics.registry, producerIds);
  return {
    bindings: [transactionCoordinatorServiceBinding({ producerIds, shardOwners: link, metrics: coordinatorMetrics }, logger)],
    readiness: () => (link.session ? { ready: true, reason: '' } : { ready: false, reason: 'not registered with the controller yet' }),
    afterStart: ({ grpcPort }) => link.start(config.advertisedHost || config.host, grpcPort),
    beforeShutdown: () => link.leave(),
    onShutdown: () => {
      link.stop();
      return Promise.resolve();
    },
  };
});
