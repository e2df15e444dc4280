/**
 * Configuration keys of the transaction-coordinator (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/transaction-coordinator/dist/main.js --help`). Keys of its own arrive with the issues that use them.
 */
import { serviceConfigKeys } from '@samsa/service-kit';

export const transactionCoordinatorConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9095, adminPort: 9195 }),
};
