import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('storage-node', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.storage.v1.StorageService'],
  // No controller listens here: the node serves, but is not ready until it has registered.
  args: ['--data-dir', join(tmpdir(), `samsa-storage-node-${process.pid}-${Date.now()}`), '--controller-address', '127.0.0.1:1'],
  readyAlone: false,
});
