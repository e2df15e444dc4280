import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeServiceContract } from '@samsa/testing';

describeServiceContract('controller', {
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  services: ['samsa.controller.v1.ControllerService'],
  args: ['--data-dir', join(tmpdir(), `samsa-controller-${process.pid}-${Date.now()}`)],
});
