/**
 * startService: the common life of a Samsa service process. It starts the gRPC server and the
 * HTTP admin server, logs `READY` with the bound ports, and on SIGTERM/SIGINT shuts down
 * gracefully: not ready → health NOT_SERVING → stop accepting and drain in-flight calls (cancel
 * what remains at `shutdownTimeoutMs`) → the app's own shutdown steps → close admin → exit 0.
 */
import type { Logger } from '@samsa/common';
import { startAdminServer, type Readiness } from './admin-server.js';
import type { ServiceBinding } from './bind-service.js';
import { startGrpcServer } from './grpc-server.js';
import type { ServiceMetrics } from './metrics.js';
import type { ServiceConfig } from './service-config.js';

export interface StartServiceOptions {
  name: string;
  config: ServiceConfig;
  logger: Logger;
  metrics: ServiceMetrics;
  bindings: readonly ServiceBinding[];
  /** Extra readiness condition (e.g. "registered with the controller"); default always ready. */
  readiness?: () => Readiness;
  /** Runs first on shutdown, while still serving (e.g. move leadership away: controlled shutdown). */
  beforeShutdown?: () => Promise<void>;
  /** App-specific shutdown steps, run after gRPC has drained (flush logs, leave the cluster...). */
  onShutdown?: () => Promise<void>;
  /** Runs once both servers listen, before the READY line. */
  beforeReady?: (ports: { grpcPort: number; adminPort: number }) => Promise<void> | void;
}

export interface RunningService {
  grpcPort: number;
  adminPort: number;
  /** Runs the graceful shutdown once; later calls return the same promise. */
  stop(): Promise<void>;
}

export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config, logger, metrics } = options;
  let stopping = false;
  const readiness = (): Readiness => (stopping ? { ready: false, reason: 'shutting down' } : (options.readiness?.() ?? { ready: true, reason: '' }));

  const grpcServer = await startGrpcServer({ host: config.host, port: config.grpcPort, bindings: options.bindings, metrics, logger });
  const admin = await startAdminServer({ host: config.adminHost, port: config.adminPort, registry: metrics.registry, readiness, logger });

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      stopping = true;
      logger.info({ shutdownTimeoutMs: config.shutdownTimeoutMs }, 'shutting down');
      await options.beforeShutdown?.().catch((error: unknown) => logger.error({ err: error }, 'pre-shutdown step failed'));
      const drained = await grpcServer.shutdown(config.shutdownTimeoutMs);
      await options.onShutdown?.();
      await admin.close();
      logger.info({ drained }, 'stopped');
    })();
    return stopped;
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'signal received');
      const watchdog = setTimeout(() => {
        logger.fatal('shutdown overran its deadline; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs + 5_000);
      watchdog.unref();
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.fatal({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await options.beforeReady?.({ grpcPort: grpcServer.port, adminPort: admin.port });
  logger.info(
    { grpcPort: grpcServer.port, adminPort: admin.port, host: config.host, services: options.bindings.map((b) => b.name) },
    'READY',
  );
  return { grpcPort: grpcServer.port, adminPort: admin.port, stop };
}
