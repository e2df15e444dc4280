/**
 * The Prometheus registry of one service process: default Node metrics plus gRPC server metrics,
 * every series labelled with the service name. Components register their own metrics on it.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  grpcHandled: Counter<'method' | 'code'>;
  grpcHandlingSeconds: Histogram<'method' | 'code'>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    grpcHandled: new Counter({
      name: 'samsa_grpc_server_handled_total',
      help: 'gRPC calls completed, by method and status code',
      labelNames: ['method', 'code'],
      registers: [registry],
    }),
    grpcHandlingSeconds: new Histogram({
      name: 'samsa_grpc_server_handling_seconds',
      help: 'gRPC call duration from first byte to status, by method and status code',
      labelNames: ['method', 'code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
