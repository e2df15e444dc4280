#!/usr/bin/env node
/** The controller: the cluster's single source of truth. Composition root. */
import { connectEtcdMetadataStore, openEmbeddedMetadataStore } from '@samsa/metadata-store';
import { runService } from '@samsa/service-kit';
import { controllerConfigSchema } from './config.js';
import { controllerConfig } from './domain/index.js';
import { ControllerRole } from './engine/controller-role.js';
import { controllerServiceBinding } from './grpc/controller.grpc.js';

await runService('controller', controllerConfigSchema, async ({ config, logger, clock }) => {
  const store =
    config.metadataStore === 'etcd'
      ? await connectEtcdMetadataStore({ endpoints: [...config.etcdEndpoints], clock, logger: logger.child({ component: 'EtcdMetadataStore' }) })
      : await openEmbeddedMetadataStore({ dir: config.dataDir, clock, logger: logger.child({ component: 'EmbeddedMetadataStore' }) });
  const domainConfig = controllerConfig({
    defaultNumPartitions: config.numPartitions,
    defaultReplicationFactor: config.defaultReplicationFactor,
    offsetsTopicPartitions: config.offsetsTopicNumPartitions,
    transactionStateTopicPartitions: config.transactionStateLogNumPartitions,
    internalTopicReplicationFactor: config.internalTopicReplicationFactor,
    internalTopicsMinActiveNodes: config.internalTopicsMinActiveNodes,
    minSegmentBytes: config.minSegmentBytes,
    deleteTopicEnable: config.deleteTopicEnable,
    brokerSessionTimeoutMs: config.brokerSessionTimeoutMs,
    brokerHeartbeatIntervalMs: config.brokerHeartbeatIntervalMs,
    coordinatorSessionTimeoutMs: config.coordinatorSessionTimeoutMs,
    coordinatorHeartbeatIntervalMs: config.coordinatorHeartbeatIntervalMs,
  });
  const host = config.advertisedHost || config.host;
  let role: ControllerRole | undefined;
  const endpoint = { nodeId: config.controllerId, host, port: config.grpcPort, rack: '' };
  return {
    bindings: [
      controllerServiceBinding(
        {
          active: () => {
            if (!role) throw new Error('the controller role has not started');
            return role.active();
          },
          sessions: () => (role as ControllerRole).sessions(),
          endpoint,
        },
        logger,
      ),
    ],
    afterStart: async ({ grpcPort }) => {
      endpoint.port = grpcPort;
      role = new ControllerRole({
        store,
        config: domainConfig,
        clock,
        logger: logger.child({ component: 'ControllerRole' }),
        advertisedAddress: `${host}:${grpcPort}`,
        electionTtlMs: config.electionTtlMs,
        livenessCheckIntervalMs: config.livenessCheckIntervalMs,
        snapshotEveryRecords: config.metadataSnapshotEveryRecords,
      });
      await role.start();
    },
    onShutdown: async () => {
      await role?.stop();
    },
  };
});
