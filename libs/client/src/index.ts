/**
 * @samsa/client: the TypeScript client for Samsa — Admin, Producer and Consumer, with Kafka's
 * option names (camelCased). See README.md for runnable examples.
 */
export { Connection, type ConnectionConfig } from './connection/connection.js';
export type { ConnectionOptions } from './options.js';
export type { ClusterView, NodeInfo, PartitionInfo, TopicInfo } from './connection/cluster-metadata.js';
export { SamsaError, isSamsaError, hasErrorCode, isRetriable } from '@samsa/common';
export { ErrorCode } from '@samsa/proto';

// Admin
export { Admin } from './admin/admin.js';
export { AdminBatchError, isAdminBatchError, type ItemSettled } from './admin/admin-errors.js';
export type {
  AdminOptions,
  AdminCallOptions,
  NewTopic,
  CreateTopicsOptions,
  CreatedTopic,
  DeletedTopic,
  CreatePartitionsOptions,
  CreatedPartitions,
  ListTopicsOptions,
  ClusterDescription,
  ClusterNodeDescription,
  ConfigResourceType,
  ConfigResource,
  DescribeConfigsOptions,
  ConfigSourceName,
  ConfigEntryDescription,
  ConfigResourceDescription,
  ConfigAlteration,
  AlterConfigsOptions,
  OffsetSpec,
  OffsetQuery,
  ListOffsetsOptions,
  ListedOffset,
  RecordsToDelete,
  DeletedRecords,
  ElectLeadersRequest,
  ElectedLeader,
} from './admin/admin-types.js';

// Consumer
export { Consumer, type PollOptions } from './consumer/consumer.js';
export { consumerOptionSpec, type ConsumerOptions, type ConsumerConfig, type IsolationLevelName } from './consumer/consumer-options.js';
export type { AutoOffsetReset } from './consumer/partition-states.js';
export type { ConsumerRecord, TopicPartition, TimestampTypeName } from './consumer/types.js';

// Producer
export { Producer } from './producer/producer.js';
export type { ProducerOptions, ProducerRecord, ProducerInterceptor } from './producer/producer-options.js';
export type { RecordMetadata } from './producer/producer-batch.js';
export type { SendCallback } from './producer/delivery-sink.js';
export { bufferSerde, stringSerde, jsonSerde, type Serializer, type Deserializer, type Serde, type SerdeName, type Header } from './serdes.js';
