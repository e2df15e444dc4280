/**
 * Transport for samsa.controller.v1.ControllerService: decode, run one engine command (or read the
 * image for queries), encode. Sessions are refreshed here on successful registrations and
 * heartbeats. A standby (no active engine) fails every call with NOT_CONTROLLER.
 */
import type { Logger } from '@samsa/common';
import { ErrorCode, controller, type NodeEndpoint } from '@samsa/proto';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import {
  allocateProducerIds,
  alterConfigs,
  alterPartition,
  brokerHeartbeat,
  controlledShutdown,
  coordinatorHeartbeat,
  createPartitions,
  createTopics,
  deleteTopics,
  describeCluster,
  describeConfigs,
  electLeaders,
  registerBroker,
  registerCoordinator,
} from '../domain/index.js';
import type { ControllerEngine } from '../engine/controller-engine.js';
import type { SessionTracker } from '../engine/session-tracker.js';
import { controllerErrorStatus } from './error-status.js';

export interface ControllerTransportDeps {
  /** The active engine; throws NotControllerError on a standby. */
  active(): ControllerEngine;
  sessions(): SessionTracker;
  /** This controller's own endpoint (DescribeCluster). */
  endpoint: NodeEndpoint;
}

export function controllerServiceBinding(deps: ControllerTransportDeps, logger: Logger): ServiceBinding {
  const run = deps.active;
  return bindService(
    controller.ControllerServiceService,
    {
      registerBroker: async (request) => {
        const response = await run().execute((image, context) => registerBroker(image, request, context));
        if (response.errorCode === ErrorCode.NONE) deps.sessions().touchBroker(request.nodeId, response.brokerEpoch);
        return response;
      },
      brokerHeartbeat: async (request) => {
        const response = await run().execute((image, context) => brokerHeartbeat(image, request, context));
        if (response.errorCode === ErrorCode.NONE) deps.sessions().touchBroker(request.nodeId, request.brokerEpoch);
        return response;
      },
      controlledShutdown: (request) => run().execute((image, context) => controlledShutdown(image, request, context)),
      createTopics: (request) => run().execute((image, context) => createTopics(image, request, context)),
      deleteTopics: (request) => run().execute((image, context) => deleteTopics(image, request, context)),
      createPartitions: (request) => run().execute((image, context) => createPartitions(image, request, context)),
      describeConfigs: async (request) => describeConfigs(run().image, request),
      alterConfigs: (request) => run().execute((image, context) => alterConfigs(image, request, context)),
      electLeaders: (request) => run().execute((image, context) => electLeaders(image, request, context)),
      alterPartition: (request) => run().execute((image, context) => alterPartition(image, request, context)),
      describeCluster: async (request) => describeCluster(run().image, request, deps.endpoint),
      allocateProducerIds: (request) => run().execute((image, context) => allocateProducerIds(image, request, context)),
      registerCoordinator: async (request) => {
        const response = await run().execute((image, context) => registerCoordinator(image, request, context));
        if (response.errorCode === ErrorCode.NONE) deps.sessions().touchCoordinator(request.kind, response.instanceId, response.coordinatorEpoch);
        return response;
      },
      coordinatorHeartbeat: async (request) => {
        const response = await run().execute((image, context) => coordinatorHeartbeat(image, request, context));
        if (response.errorCode === ErrorCode.NONE) deps.sessions().touchCoordinator(request.kind, request.instanceId, request.coordinatorEpoch);
        return response;
      },
      watchMetadata: async (request, call) => {
        const engine = run();
        await new Promise<void>((resolve, reject) => {
          const unsubscribe = engine.feed.subscribe(request.fromVersion, {
            send: (event) => call.write(event),
            onDrain: (callback) => call.once('drain', callback),
            fail: (error) => {
              unsubscribe();
              reject(error);
            },
          });
          call.once('cancelled', () => {
            unsubscribe();
            resolve();
          });
        });
      },
    },
    controllerErrorStatus,
    logger.child({ component: 'ControllerService' }),
  );
}
