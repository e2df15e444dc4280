/**
 * Translates a topic's effective configuration (Kafka keys, string values, defaults applied by
 * the controller's rules) into the log's settings and the partition's replication settings.
 */
import type { LogConfig } from '@samsa/log';

export interface TopicSettings {
  log: Partial<LogConfig>;
  minInsyncReplicas: number;
}

const numeric = (configs: ReadonlyMap<string, string>, key: string): number | undefined => {
  const value = configs.get(key);
  return value === undefined || value === '' ? undefined : Number(value);
};

export function topicSettings(configs: ReadonlyMap<string, string>, minSegmentBytes = 1): TopicSettings {
  const log: Partial<LogConfig> = {};
  const set = <K extends keyof LogConfig>(key: K, value: LogConfig[K] | undefined) => {
    if (value !== undefined && !(typeof value === 'number' && Number.isNaN(value))) log[key] = value;
  };
  set('retentionMs', numeric(configs, 'retention.ms'));
  set('retentionBytes', numeric(configs, 'retention.bytes'));
  const segmentBytes = numeric(configs, 'segment.bytes');
  set('segmentBytes', segmentBytes === undefined ? undefined : Math.max(segmentBytes, minSegmentBytes));
  set('segmentMs', numeric(configs, 'segment.ms'));
  set('maxMessageBytes', numeric(configs, 'max.message.bytes'));
  set('deleteRetentionMs', numeric(configs, 'delete.retention.ms'));
  const policy = configs.get('cleanup.policy');
  if (policy === 'compact' || policy === 'delete') log.cleanupPolicy = policy;
  else if (policy === 'compact,delete' || policy === 'delete,compact') log.cleanupPolicy = 'compact,delete';
  const timestampType = configs.get('message.timestamp.type');
  if (timestampType === 'LogAppendTime' || timestampType === 'CreateTime') log.messageTimestampType = timestampType;
  return { log, minInsyncReplicas: numeric(configs, 'min.insync.replicas') ?? 1 };
}
