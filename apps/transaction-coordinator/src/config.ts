/**
 * Configuration keys of the transaction-coordinator (flags, SAMSA_* environment, optional JSON file; see
 * `node apps/transaction-coordinator/dist/main.js --help`). Kafka's names, camelCased, units in the name.
 */
import { intKey, stringKey } from '@samsa/common';
import { serviceConfigKeys } from '@samsa/service-kit';

const ms = (doc: string, value: number, min = 1) => intKey({ doc, default: value, unit: 'ms', min, max: 86_400_000 });

export const transactionCoordinatorConfigSchema = {
  ...serviceConfigKeys({ grpcPort: 9095, adminPort: 9195 }),
  controllerAddress: stringKey({ doc: 'host:port of the controller', default: '127.0.0.1:9093', nonEmpty: true }),
  instanceId: intKey({ doc: 'This coordinator instance id, unique among transaction coordinators', default: 1, min: 0, max: 2_147_483_647 }),
  advertisedHost: stringKey({ doc: 'Host clients use to reach this coordinator; empty = the listen host', default: '' }),
  controllerRequestTimeoutMs: ms('Deadline of each call to the controller (register, heartbeat, producer-id blocks)', 5_000, 100),
  producerIdBlockRetryBackoffMs: ms('First wait before asking the controller again for a producer-id block; doubles per attempt', 100),
  producerIdBlockRetryBackoffMaxMs: ms('Longest wait between two requests for a producer-id block', 2_000),
  producerIdBlockTimeoutMs: ms('How long a producer-id block request retries before InitProducerId answers COORDINATOR_NOT_AVAILABLE', 15_000, 100),
};
