/** samsa.transaction.v1: the transaction coordinator's contract and the records it persists. */
export * from './gen/samsa/transaction/v1/transaction_records.js';
export * from './gen/samsa/transaction/v1/transaction_coordinator_service.js';
