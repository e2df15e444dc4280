/**
 * Configuration keys of the controller (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/controller/dist/main.js --help`). Keys of its own arrive with the issues that use them.
 */
import { serviceConfigKeys } from '@samsa/service-kit';

export const controllerConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9093, adminPort: 9193 }),
};
