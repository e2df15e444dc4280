import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('storage-node', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.storage.v1.StorageService'],
  unimplementedMethod: '/samsa.storage.v1.StorageService/Produce',
});
