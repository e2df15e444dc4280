/**
 * Transport for samsa.transaction.v1.TransactionCoordinatorService: decode, call the domain, encode. The handlers arrive with
 * #7 and the transactions issue; until then every RPC answers UNIMPLEMENTED, the honest state of an unfinished contract.
 */
import type { Logger } from '@samsa/common';
import { transaction } from '@samsa/proto';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import { transactionCoordinatorErrorStatus } from './error-status.js';

export function transactionCoordinatorServiceBinding(logger: Logger): ServiceBinding {
  return bindService(transaction.TransactionCoordinatorServiceService, {}, transactionCoordinatorErrorStatus, logger.child({ component: 'TransactionCoordinatorService' }));
}
