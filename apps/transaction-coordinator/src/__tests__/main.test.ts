import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('transaction-coordinator', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.transaction.v1.TransactionCoordinatorService'],
  unimplementedMethod: '/samsa.transaction.v1.TransactionCoordinatorService/AddPartitionsToTxn',
  // No controller listens here: the coordinator serves (health SERVING), but is not ready until it has registered.
  args: ['--controller-address', '127.0.0.1:1'],
  readyAlone: false,
});
