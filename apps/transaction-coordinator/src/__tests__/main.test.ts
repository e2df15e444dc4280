import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('transaction-coordinator', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.transaction.v1.TransactionCoordinatorService'],
  unimplementedMethod: '/samsa.transaction.v1.TransactionCoordinatorService/InitProducerId',
});
