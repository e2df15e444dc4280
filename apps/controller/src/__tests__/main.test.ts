import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('controller', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.controller.v1.ControllerService'],
  unimplementedMethod: '/samsa.controller.v1.ControllerService/CreateTopics',
});
