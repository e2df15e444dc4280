#!/usr/bin/env node
/** The storage node: hosts partition replicas, serves produce and fetch, and replicates. Composition root. */
import { runService } from '@samsa/service-kit';
import { ControllerLink } from './adapters/controller-link.js';
import { assignmentsOf, leaderHintOf } from './adapters/assignments.js';
import { FileLogOpener } from './adapters/file-log-opener.js';
import { tuneHeapGrowth } from './adapters/heap-tuning.js';
import { startIsrProposer } from './adapters/isr-proposer.js';
import { createNodeMetrics } from './adapters/node-metrics.js';
import { ReplicaFetchers } from './adapters/replica-fetcher.js';
import { storageNodeConfigSchema } from './config.js';
import { readMemoryPool } from './domain/read-buffers.js';
import { ReplicaManager } from './domain/replica-manager.js';
import { endpointOf, storageServiceBinding } from './grpc/storage.grpc.js';
import { RequestBudget } from './domain/produce-stream.js';

await runService('storage-node', storageNodeConfigSchema, ({ config, logger, clock, metrics }) => {
  tuneHeapGrowth(config.heapGrowingPercent);
  const nodeMetrics = createNodeMetrics(metrics.registry, () => replicas);
  const link: ControllerLink = new ControllerLink({
    controllerAddress: config.controllerAddress,
    nodeId: config.nodeId,
    rack: config.rack,
    dataDir: config.dataDir,
    clock,
    logger: logger.child({ component: 'ControllerLink' }),
    onChange: (image) => void replicas.applyAssignments(assignmentsOf(image, config.nodeId)).then(() => fetchers.refresh()),
  });
  const fetchers = new ReplicaFetchers({
    nodeId: config.nodeId,
    clock,
    logger,
    maxWaitMs: config.replicaFetchWaitMaxMs,
    maxBytes: config.replicaFetchMaxBytes,
    addressOf: (nodeId) => {
      const endpoint = link.image.brokerEndpoint(nodeId);
      return endpoint ? `${endpoint.host}:${endpoint.port}` : undefined;
    },
    followed: () => replicas.all().filter((partition) => partition.role === 'follower'),
    onTruncation: nodeMetrics.followerTruncations,
  });
  const replicas: ReplicaManager = new ReplicaManager({
    nodeId: config.nodeId,
    replicaLagTimeMaxMs: config.replicaLagTimeMaxMs,
    opener: new FileLogOpener(config.dataDir, clock, logger, { directIo: config.logDirectIo, offsetMapBytes: config.logCleanerDedupeBufferSize }),
    clock,
    logger: logger.child({ component: 'ReplicaManager' }),
    onFollowerChange: () => fetchers.refresh(),
  });
  const stopping = new AbortController();
  const deps = {
    stopping: stopping.signal,
    replicas,
    clock,
    logger,
    dataDir: config.dataDir,
    image: () => link.image,
    controllerEndpoint: endpointOf(config.controllerAddress),
    leaderHint: (topic: string, partition: number) => leaderHintOf(link.image, topic, partition),
    topicExists: (topic: string) => link.image.topic(topic) !== undefined,
    readMemory: readMemoryPool(),
    metrics: nodeMetrics,
    produceStreamLimits: { maxInFlight: config.queuedMaxRequests, budget: new RequestBudget(config.queuedMaxRequestBytes) },
  };
  let isr: { stop(): void } | undefined;
  return {
    bindings: [storageServiceBinding(deps, logger)],
    readiness: () => (link.brokerEpoch >= 0 ? { ready: true, reason: '' } : { ready: false, reason: 'not registered with the controller yet' }),
    afterStart: async ({ grpcPort }) => {
      await link.start(config.advertisedHost || config.host, grpcPort);
      isr = startIsrProposer({
        replicas,
        clock,
        logger: logger.child({ component: 'IsrProposer' }),
        intervalMs: config.isrCheckIntervalMs,
        alterPartition: (request) => link.alterPartition(request),
        session: () => ({ nodeId: config.nodeId, brokerEpoch: link.brokerEpoch }),
        shrinks: nodeMetrics.isrShrinks,
        expands: nodeMetrics.isrExpands,
      });
    },
    beforeShutdown: async () => {
      const moved = await link.shutDownControlled(config.controlledShutdownTimeoutMs);
      logger.info({ moved }, 'controlled shutdown: leadership moved away');
      stopping.abort();
    },
    onShutdown: async () => {
      isr?.stop();
      await fetchers.stop();
      await replicas.close();
      await link.stop();
    },
  };
});
