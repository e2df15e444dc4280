#!/usr/bin/env node
/** The controller: the cluster's single source of truth for nodes, topics, leaders and ISR. Composition root. */
import { runService } from '@samsa/service-kit';
import { controllerConfigSchema } from './config.js';
import { controllerServiceBinding } from './grpc/controller.grpc.js';

await runService('controller', controllerConfigSchema, ({ logger }) => ({
  bindings: [controllerServiceBinding(logger)],
}));
