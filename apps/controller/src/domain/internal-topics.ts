/**
 * The internal topics `__consumer_offsets` and `__transaction_state`, whose partitions are the
 * group and transaction coordinators' shards (DESIGN.md §4). The controller creates each once,
 * when enough storage nodes are ACTIVE (config internalTopicsMinActiveNodes, at least 1):
 * cleanup.policy=compact, the configured partition count (default 50), replication factor
 * min(internalTopicReplicationFactor, active nodes), min.insync.replicas min(configured, RF),
 * segment.bytes internalTopicSegmentBytes. In the same batch each kind's shards are initialised
 * (writer producer ids allocated, owners = the kind's registered instances, balanced), so a
 * subscriber never sees an internal topic without its shard table.
 */
import { controller } from '@samsa/proto';
import { type MetadataImage, CLEANUP_POLICY, MIN_INSYNC_REPLICAS, SEGMENT_BYTES, COORDINATOR_KINDS, shardTopicOf } from '@samsa/cluster-metadata';
import { type CommandContext, type ControllerResult, checkContext } from './command.js';
import { assignShards } from './shard-assignment.js';
import { automaticLayout, clusterPartitionCount, isItemError, newTopicId, newTopicRecords } from './topic-creation.js';

export function ensureInternalTopics(image: MetadataImage, context: CommandContext): ControllerResult<{ created: string[] }> {
  checkContext(image, context);
  const { config } = context;
  const active = image.activeBrokers().length;
  if (active < Math.max(1, config.internalTopicsMinActiveNodes)) return { response: { created: [] }, records: [] };
  const records: controller.MetadataRecord[] = [];
  const created: string[] = [];
  const usedTopicIds = new Set<string>();
  let startIndex = clusterPartitionCount(image);
  let nextProducerId = image.nextProducerId;
  for (const kind of COORDINATOR_KINDS) {
    const name = shardTopicOf(kind);
    if (image.topic(name) !== undefined) continue;
    const partitions =
      kind === controller.CoordinatorKind.COORDINATOR_KIND_GROUP ? config.offsetsTopicPartitions : config.transactionStateTopicPartitions;
    const replicationFactor = Math.min(config.internalTopicReplicationFactor, active);
    const layout = automaticLayout(image, partitions, replicationFactor, 0, startIndex);
    if (isItemError(layout)) throw new Error(`cannot place ${name}: ${layout.errorMessage}`);
    const configs = new Map([
      [CLEANUP_POLICY, 'compact'],
      [MIN_INSYNC_REPLICAS, String(Math.min(config.internalTopicMinInsyncReplicas, replicationFactor))],
      [SEGMENT_BYTES, String(config.internalTopicSegmentBytes)],
    ]);
    records.push(...newTopicRecords(name, newTopicId(image, usedTopicIds, context.newUuid), configs, true, layout));
    const shards = assignShards(image, kind, partitions, { nextProducerId });
    records.push(...shards.records);
    nextProducerId = shards.response.nextProducerId;
    startIndex += partitions;
    created.push(name);
  }
  return { response: { created }, records };
}
