/**
 * @samsa/client: the TypeScript client for Samsa — Admin, Producer and Consumer, with Kafka's
 * option names (camelCased). See README.md for runnable examples.
 */
export { Connection, type ConnectionConfig } from './connection/connection.js';
export type { ClusterView, NodeInfo, PartitionInfo, TopicInfo } from './connection/cluster-metadata.js';
export { SamsaError, isSamsaError, hasErrorCode, isRetriable } from '@samsa/common';
export { ErrorCode } from '@samsa/proto';
