/**
 * Transport for samsa.storage.v1.StorageService: decode, call the domain, encode. The handlers arrive with
 * #6; until then every RPC answers UNIMPLEMENTED, the honest state of an unfinished contract.
 */
import type { Logger } from '@samsa/common';
import { storage } from '@samsa/proto';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import { storageNodeErrorStatus } from './error-status.js';

export function storageServiceBinding(logger: Logger): ServiceBinding {
  return bindService(storage.StorageServiceService, {}, storageNodeErrorStatus, logger.child({ component: 'StorageService' }));
}
