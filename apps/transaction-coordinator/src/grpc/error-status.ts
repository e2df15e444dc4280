/**
 * The transaction-coordinator's one error → gRPC status map: Samsa's default table (service-kit) with no
 * overrides yet. UNSUPPORTED_VERSION (a transactional InitProducerId before transactions land) maps to
 * UNIMPLEMENTED, INVALID_REQUEST to INVALID_ARGUMENT. Per-item errors never come through here; they
 * travel in responses.
 */
import { createErrorMapper } from '@samsa/service-kit';

export const transactionCoordinatorErrorStatus = createErrorMapper();
