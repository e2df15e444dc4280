/**
 * Starts a grpc-js server on host:port (port 0 picks a free one) with the given service
 * bindings, the standard health service (every bound service and "" SERVING) and server
 * reflection. Shutdown stops accepting, marks health NOT_SERVING, drains in-flight calls and
 * forces the rest closed at the deadline.
 */
import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from '@samsa/common';
import type { ServiceBinding } from './bind-service.js';
import { observabilityInterceptor } from './interceptors.js';
import type { ServiceMetrics } from './metrics.js';
import { createReflection } from './reflection.js';

export interface GrpcServerHandle {
  port: number;
  server: grpc.Server;
  /** Drains in-flight calls; after `deadlineMs` the remaining calls are cancelled. Resolves true if drained. */
  shutdown(deadlineMs: number): Promise<boolean>;
}

/** Large batches travel per call; keep grpc-js's limits above the largest fetch/produce response. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export async function startGrpcServer(options: {
  host: string;
  port: number;
  bindings: readonly ServiceBinding[];
  metrics: ServiceMetrics;
  logger: Logger;
}): Promise<GrpcServerHandle> {
  const { bindings, logger } = options;
  const server = new grpc.Server({
    interceptors: [observabilityInterceptor(options.metrics, logger)],
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  const names = bindings.map((binding) => binding.name);
  const health = new HealthImplementation(Object.fromEntries(['', ...names].map((name) => [name, 'SERVING' as const])));
  for (const binding of bindings) server.addService(binding.definition, binding.implementation);
  health.addToServer(server);
  createReflection(names).addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });

  tuneTransport(server);

  return {
    port,
    server,
    shutdown(deadlineMs) {
      for (const name of ['', ...names]) health.setStatus(name, 'NOT_SERVING');
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn({ deadlineMs }, 'in-flight calls did not finish before the shutdown deadline; cancelling them');
          server.forceShutdown();
          resolve(false);
        }, deadlineMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
  };
}

/**
 * Transport settings grpc-js does not offer on the server side. (1) TCP_NODELAY: grpc-js sets it on
 * client sockets only, so small answers (acknowledgements, follower fetch responses) could wait
 * for a delayed ACK under Nagle's algorithm — tens of milliseconds per round trip on the
 * replication path. (2) A large HTTP/2 receive window, so a producer's stream is not throttled to
 * 64 KiB per round trip. Applied through grpc-js's http2 servers (a private field; if a grpc-js
 * upgrade renames it, this silently does nothing and only performance suffers).
 */
function tuneTransport(server: grpc.Server): void {
  const http2Servers = (server as unknown as { http2Servers?: Map<NetServer, unknown> }).http2Servers;
  for (const http2Server of http2Servers?.keys() ?? []) {
    http2Server.on('connection', (socket: Socket) => socket.setNoDelay(true));
    http2Server.on('session', (session: Http2Session) => {
      // A producer streaming big batches is otherwise throttled to 64 KiB per round trip.
      session.settings({ initialWindowSize: FLOW_CONTROL_WINDOW_BYTES });
      session.setLocalWindowSize(FLOW_CONTROL_WINDOW_BYTES);
    });
  }
}

/** HTTP/2 receive window per stream and per connection (Node's default is 64 KiB). */
export const FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;
