/** @samsa/common: errors, configuration, logging, time and reused memory — shared by every Samsa project. */
export {
  SamsaError,
  isSamsaError,
  hasErrorCode,
  isRetriable,
  errorCodeName,
  ERROR_CODE_TRAILER,
  RETRIABLE_TRAILER,
  type SamsaErrorOptions,
} from './errors/samsa-error.js';
export { isRetriableCode } from './errors/retriable.js';
export { intKey, stringKey, booleanKey, enumKey, listKey, type KeySpec, type ConfigSchema, type ConfigOf } from './config/config-keys.js';
export { parseConfig, describeConfig, flagName, envName, ConfigError, ENV_PREFIX, type ConfigSources } from './config/parse-config.js';
export type { Logger, LogFn } from './logging/logger.js';
export { silentLogger } from './logging/logger.js';
export { systemClock, type Clock, type TimerHandle } from './time/clock.js';
export { ManualClock } from './time/manual-clock.js';
export { syncDirectory, writeFileAtomically } from './fs/durable-files.js';
export { SerialQueue } from './concurrency/serial-queue.js';
export { ReusedBuffers } from './memory/reused-buffers.js';
