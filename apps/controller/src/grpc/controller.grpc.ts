/**
 * Transport for samsa.controller.v1.ControllerService: decode, call the domain, encode. The handlers arrive with
 * #5; until then every RPC answers UNIMPLEMENTED, the honest state of an unfinished contract.
 */
import type { Logger } from '@samsa/common';
import { controller } from '@samsa/proto';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import { controllerErrorStatus } from './error-status.js';

export function controllerServiceBinding(logger: Logger): ServiceBinding {
  return bindService(controller.ControllerServiceService, {}, controllerErrorStatus, logger.child({ component: 'ControllerService' }));
}
