/**
 * Configuration keys of the storage-node (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/storage-node/dist/main.js --help`). Keys of its own arrive with the issues that use them.
 */
import { serviceConfigKeys } from '@samsa/service-kit';

export const storageNodeConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9092, adminPort: 9192 }),
};
