/** @samsa/service-kit: what every Samsa service process is built from. */
export { bindService, serviceNameOf, type AsyncHandler, type AsyncServiceImplementation, type CallContext, type ServiceBinding } from './bind-service.js';
export { createErrorMapper, DEFAULT_STATUS_BY_CODE, type ErrorMapper, type ErrorMapperOptions, type GrpcErrorStatus } from './error-status.js';
export { startGrpcServer, FLOW_CONTROL_WINDOW_BYTES, type GrpcServerHandle } from './grpc-server.js';
export { startAdminServer, type AdminServer, type Readiness } from './admin-server.js';
export { createServiceMetrics, type ServiceMetrics } from './metrics.js';
export { observabilityInterceptor } from './interceptors.js';
export { createReflection, HEALTH_SERVICE_NAME } from './reflection.js';
export { serviceConfigKeys, loadConfigOrExit, LOG_LEVELS, EXIT_BAD_CONFIG, type ServiceConfig } from './service-config.js';
export { createRootLogger } from './root-logger.js';
export { startService, type StartServiceOptions, type RunningService } from './start-service.js';
export { runService, type ServiceContext, type ServiceParts } from './run-service.js';
