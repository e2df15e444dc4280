/**
 * Transport for samsa.group.v1.GroupCoordinatorService: decode, call the domain, encode. The handlers arrive with
 * the consumer-group issue; until then every RPC answers UNIMPLEMENTED, the honest state of an unfinished contract.
 */
import type { Logger } from '@samsa/common';
import { group } from '@samsa/proto';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import { groupCoordinatorErrorStatus } from './error-status.js';

export function groupCoordinatorServiceBinding(logger: Logger): ServiceBinding {
  return bindService(group.GroupCoordinatorServiceService, {}, groupCoordinatorErrorStatus, logger.child({ component: 'GroupCoordinatorService' }));
}
