/**
 * Coordinator shard assignment: which live instance of a coordinator kind owns each shard (each
 * partition of the kind's internal topic).
 *
 * Balanced: with n live instances and S shards, every instance owns ⌊S/n⌋ or ⌈S/n⌉ shards (so
 * max − min ≤ 1), and with none every shard is unassigned (-1).
 * Sticky: a shard keeps its live owner whenever balance allows. The ⌈S/n⌉ quotas go to the
 * instances owning the most shards (ties: lower id), each instance keeps its lowest-numbered shards
 * up to its quota, and only the surplus and orphans (owner gone, or a new process under the same
 * instance id — "renewed") move, to the instances below quota in id order. That moves the fewest
 * shards possible.
 * Epochs: shard_epoch + 1 on every change of owner (to or from -1, and a renewed owner counts as a
 * change even under the same id); when that would reach 32767, the shard gets a fresh writer
 * producer id and epoch 0. A shard seen for the first time starts at epoch 0 with a fresh writer
 * id. Writer ids come from the producer-id high-water mark, so they never collide with ids handed
 * to clients.
 */
import { controller } from '@samsa/proto';
import { MAX_SHARD_EPOCH, type MetadataImage } from '@samsa/cluster-metadata';
import { producerIdsAllocatedRecord } from './cluster-handlers.js';
import { type ControllerResult, metadataRecord } from './command.js';

export interface ShardAssignmentInput {
  readonly shardCount: number;
  /** Current ownership, index = shard; shorter than shardCount when shards are new. */
  readonly current: readonly controller.CoordinatorShardAssignment[];
  /** Instance ids that may own shards. */
  readonly liveInstances: readonly number[];
  /** Live instance ids whose process was replaced: their shards must get new epochs. */
  readonly renewedInstances?: readonly number[];
  /** The producer-id high-water mark to allocate writer ids from. */
  readonly nextProducerId: number;
}

export interface ShardAssignmentPlan {
  /** New full state of every shard that changes, by shard index. */
  readonly changed: controller.CoordinatorShardAssignment[];
  /** The producer-id mark after the writer ids allocated here. */
  readonly nextProducerId: number;
}

/** New owner of each shard (-1 = unassigned). */
function chooseOwners(input: ShardAssignmentInput): number[] {
  const live = [...new Set(input.liveInstances)].sort((a, b) => a - b);
  const renewed = new Set(input.renewedInstances ?? []);
  const owners = new Array<number>(input.shardCount).fill(-1);
  if (live.length === 0) return owners;
  const owned = new Map(live.map((id) => [id, [] as number[]]));
  const pool: number[] = [];
  for (let shard = 0; shard < input.shardCount; shard++) {
    const owner = input.current[shard]?.instanceId ?? -1;
    const shards = renewed.has(owner) ? undefined : owned.get(owner);
    if (shards === undefined) pool.push(shard);
    else shards.push(shard);
  }
  const base = Math.floor(input.shardCount / live.length);
  const extra = input.shardCount % live.length;
  const ranked = [...live].sort((a, b) => (owned.get(b)?.length ?? 0) - (owned.get(a)?.length ?? 0) || a - b);
  const quota = new Map(ranked.map((id, rank) => [id, base + (rank < extra ? 1 : 0)]));
  const counts = new Map<number, number>();
  for (const id of live) {
    const shards = owned.get(id) ?? [];
    const keep = quota.get(id) ?? 0;
    for (const shard of shards.slice(0, keep)) owners[shard] = id;
    pool.push(...shards.slice(keep));
    counts.set(id, Math.min(keep, shards.length));
  }
  pool.sort((a, b) => a - b);
  for (const id of live) {
    for (let count = counts.get(id) ?? 0; count < (quota.get(id) ?? 0); count++) {
      const shard = pool.shift();
      if (shard === undefined) throw new Error('shard pool exhausted');
      owners[shard] = id;
    }
  }
  return owners;
}

export function planShardAssignment(input: ShardAssignmentInput): ShardAssignmentPlan {
  if (input.current.length > input.shardCount) throw new Error(`${input.current.length} shards exceed the shard count ${input.shardCount}`);
  const renewed = new Set(input.renewedInstances ?? []);
  const owners = chooseOwners(input);
  let nextProducerId = input.nextProducerId;
  const changed: controller.CoordinatorShardAssignment[] = [];
  owners.forEach((instanceId, shard) => {
    const previous = input.current[shard];
    if (previous === undefined) {
      changed.push({ shard, instanceId, shardEpoch: 0, writerProducerId: nextProducerId++ });
      return;
    }
    const ownerChanged = previous.instanceId !== instanceId || (instanceId !== -1 && renewed.has(instanceId));
    if (!ownerChanged) return;
    const rollOver = previous.shardEpoch + 1 > MAX_SHARD_EPOCH;
    changed.push({
      shard,
      instanceId,
      shardEpoch: rollOver ? 0 : previous.shardEpoch + 1,
      writerProducerId: rollOver ? nextProducerId++ : previous.writerProducerId,
    });
  });
  return { changed, nextProducerId };
}

/** Options for planning inside a batch whose earlier records the image has not replayed yet. */
export interface AssignShardsOptions {
  /** Live instances instead of the image's registered ones. */
  readonly liveInstances?: readonly number[];
  readonly renewedInstances?: readonly number[];
  /** Producer-id mark instead of the image's (an earlier record of the batch allocated ids). */
  readonly nextProducerId?: number;
}

/**
 * Rebalances the shards of `kind` over its registered instances: a ProducerIdsAllocatedRecord when
 * writer ids were allocated, then one CoordinatorShardsAssignedRecord listing the changed shards;
 * nothing when the assignment is already balanced.
 */
export function assignShards(
  image: MetadataImage,
  kind: controller.CoordinatorKind,
  shardCount: number,
  options: AssignShardsOptions = {},
): ControllerResult<{ changed: controller.CoordinatorShardAssignment[]; nextProducerId: number }> {
  const start = options.nextProducerId ?? image.nextProducerId;
  const plan = planShardAssignment({
    shardCount,
    current: image.shards(kind),
    liveInstances: options.liveInstances ?? image.coordinators(kind).map((registration) => registration.instanceId),
    renewedInstances: options.renewedInstances ?? [],
    nextProducerId: start,
  });
  const records: controller.MetadataRecord[] = [];
  if (plan.nextProducerId > start) records.push(producerIdsAllocatedRecord(plan.nextProducerId));
  if (plan.changed.length > 0) {
    records.push(metadataRecord({ $case: 'coordinatorShardsAssigned', coordinatorShardsAssigned: { kind, shards: plan.changed } }));
  }
  return { response: plan, records };
}
