/**
 * The transaction-coordinator's one error → gRPC status map: Samsa's default table (service-kit) with no
 * overrides yet. Per-partition errors never come through here; they travel in responses.
 */
import { createErrorMapper } from '@samsa/service-kit';

export const transactionCoordinatorErrorStatus = createErrorMapper();
