#!/usr/bin/env node
/** The storage node: hosts partition replicas, serves produce and fetch, and replicates. Composition root. */
import { runService } from '@samsa/service-kit';
import { storageNodeConfigSchema } from './config.js';
import { storageServiceBinding } from './grpc/storage.grpc.js';

await runService('storage-node', storageNodeConfigSchema, ({ logger }) => ({
  bindings: [storageServiceBinding(logger)],
}));
