#!/usr/bin/env node
/** The group coordinator: consumer groups, rebalances and committed offsets. Composition root. */
import { runService } from '@samsa/service-kit';
import { groupCoordinatorConfigSchema } from './config.js';
import { groupCoordinatorServiceBinding } from './grpc/group-coordinator.grpc.js';

await runService('group-coordinator', groupCoordinatorConfigSchema, ({ logger }) => ({
  bindings: [groupCoordinatorServiceBinding(logger)],
}));
