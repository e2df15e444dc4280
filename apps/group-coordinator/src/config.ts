/**
 * Configuration keys of the group-coordinator (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/group-coordinator/dist/main.js --help`). Keys of its own arrive with the issues that use them.
 */
import { serviceConfigKeys } from '@samsa/service-kit';

export const groupCoordinatorConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9094, adminPort: 9194 }),
};
