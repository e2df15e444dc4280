/**
 * runService: the composition skeleton of a service's main.ts — read the configuration once
 * (exit 2 if invalid), make the root logger, metrics and clock, let the app build its parts, and
 * start serving with graceful shutdown. The app's `build` is where it wires domain, adapters and
 * transport together.
 */
import { systemClock, type Clock, type ConfigOf, type ConfigSchema, type Logger } from '@samsa/common';
import type { Readiness } from './admin-server.js';
import type { ServiceBinding } from './bind-service.js';
import { createServiceMetrics, type ServiceMetrics } from './metrics.js';
import { createRootLogger } from './root-logger.js';
import { loadConfigOrExit, type ServiceConfig } from './service-config.js';
import { startService, type RunningService } from './start-service.js';

export interface ServiceContext<C> {
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  clock: Clock;
}

export interface ServiceParts {
  bindings: readonly ServiceBinding[];
  readiness?: () => Readiness;
  onShutdown?: () => Promise<void>;
  /** Runs first on shutdown, while the service still serves. */
  beforeShutdown?: () => Promise<void>;
  /** Runs once the servers listen (bound ports known), before READY is logged. */
  afterStart?: (ports: { grpcPort: number; adminPort: number }) => Promise<void> | void;
}

export async function runService<S extends ConfigSchema>(
  name: string,
  schema: S,
  build: (context: ServiceContext<ConfigOf<S>>) => ServiceParts | Promise<ServiceParts>,
): Promise<RunningService> {
  const config = loadConfigOrExit(name, schema) as ConfigOf<S> & ServiceConfig;
  const logger = createRootLogger(name, config.logLevel);
  const metrics = createServiceMetrics(name);
  try {
    const { afterStart, ...parts } = await build({ config, logger, metrics, clock: systemClock });
    return await startService({ name, config, logger, metrics, ...parts, ...(afterStart ? { beforeReady: afterStart } : {}) });
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}
