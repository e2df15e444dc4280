import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('group-coordinator', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.group.v1.GroupCoordinatorService'],
  unimplementedMethod: '/samsa.group.v1.GroupCoordinatorService/JoinGroup',
});
