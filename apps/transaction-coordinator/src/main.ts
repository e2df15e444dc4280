#!/usr/bin/env node
/** The transaction coordinator: producer ids, transactional ids and two-phase commit. Composition root. */
import { runService } from '@samsa/service-kit';
import { transactionCoordinatorConfigSchema } from './config.js';
import { transactionCoordinatorServiceBinding } from './grpc/transaction-coordinator.grpc.js';

await runService('transaction-coordinator', transactionCoordinatorConfigSchema, ({ logger }) => ({
  bindings: [transactionCoordinatorServiceBinding(logger)],
}));
