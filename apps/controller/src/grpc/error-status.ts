/**
 * The controller's one error → gRPC status map: Samsa's default table, plus the
 * `samsa-controller: <host>:<port>` trailer naming the active controller on NOT_CONTROLLER, so a
 * caller that reached a standby retries against the right one.
 */
import { createErrorMapper, type ErrorMapper } from '@samsa/service-kit';
import { NotControllerError } from '../engine/metadata-log-port.js';

export const ACTIVE_CONTROLLER_TRAILER = 'samsa-controller';

const defaults = createErrorMapper();

export const controllerErrorStatus: ErrorMapper = (error, context) => {
  const status = defaults(error, context);
  if (error instanceof NotControllerError && error.activeController) status.metadata.set(ACTIVE_CONTROLLER_TRAILER, error.activeController);
  return status;
};
