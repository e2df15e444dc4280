/**
 * Server interceptors: every call is counted and timed by method and status code, and logged at
 * debug (trace for the hot-path streams would be too loud at debug, so the log level decides).
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@samsa/common';
import type { ServiceMetrics } from './metrics.js';

export function observabilityInterceptor(metrics: ServiceMetrics, logger: Logger): grpc.ServerInterceptor {
  return (methodDescriptor, call) => {
    const startedMs = performance.now();
    const method = methodDescriptor.path;
    return new grpc.ServerInterceptingCall(call, {
      sendStatus(status, next) {
        const code = grpc.status[status.code] ?? String(status.code);
        const seconds = (performance.now() - startedMs) / 1000;
        metrics.grpcHandled.inc({ method, code });
        metrics.grpcHandlingSeconds.observe({ method, code }, seconds);
        logger.debug({ method, code, durationMs: Math.round(seconds * 1e4) / 10, peer: call.getPeer() }, 'call');
        next(status);
      },
    });
  };
}
