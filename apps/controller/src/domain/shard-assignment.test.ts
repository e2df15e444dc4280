import type { controller } from '@samsa/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planShardAssignment } from './shard-assignment.js';

/** Applies a plan's changes to a shard table. */
function applyPlan(current: readonly controller.CoordinatorShardAssignment[], changed: readonly controller.CoordinatorShardAssignment[]): controller.CoordinatorShardAssignment[] {
  const next = [...current];
  for (const shard of changed) next[shard.shard] = shard;
  return next;
}

function owned(table: readonly controller.CoordinatorShardAssignment[], instanceId: number): number[] {
  return table.filter((shard) => shard.instanceId === instanceId).map((shard) => shard.shard);
}

function table(owners: number[], epoch = 0): controller.CoordinatorShardAssignment[] {
  return owners.map((instanceId, shard) => ({ shard, instanceId, shardEpoch: epoch, writerProducerId: 100 + shard }));
}

describe('planShardAssignment', () => {
  it('initialises every shard at epoch 0 with a fresh writer id, balanced over the instances', () => {
    const plan = planShardAssignment({ shardCount: 7, current: [], liveInstances: [2, 0, 1], nextProducerId: 50 });
    expect(plan.changed.map((shard) => shard.writerProducerId)).toEqual([50, 51, 52, 53, 54, 55, 56]);
    expect(plan.changed.every((shard) => shard.shardEpoch === 0)).toBe(true);
    expect(plan.nextProducerId).toBe(57);
    expect([0, 1, 2].map((id) => owned(plan.changed, id).length)).toEqual([3, 2, 2]);
  });

  it('leaves shards unassigned while no instance is live', () => {
    const plan = planShardAssignment({ shardCount: 3, current: [], liveInstances: [], nextProducerId: 0 });
    expect(plan.changed.map((shard) => shard.instanceId)).toEqual([-1, -1, -1]);
    const lost = planShardAssignment({ shardCount: 2, current: table([4, 4], 3), liveInstances: [], nextProducerId: 200 });
    expect(lost.changed).toEqual([
      { shard: 0, instanceId: -1, shardEpoch: 4, writerProducerId: 100 },
      { shard: 1, instanceId: -1, shardEpoch: 4, writerProducerId: 101 },
    ]);
  });

  it('moves only the surplus to a joining instance, bumping exactly the moved shards', () => {
    const current = table([0, 0, 0, 1, 1, 1], 5);
    const plan = planShardAssignment({ shardCount: 6, current, liveInstances: [0, 1, 2], nextProducerId: 200 });
    expect(plan.changed).toEqual([
      { shard: 2, instanceId: 2, shardEpoch: 6, writerProducerId: 102 },
      { shard: 5, instanceId: 2, shardEpoch: 6, writerProducerId: 105 },
    ]);
    expect(plan.nextProducerId).toBe(200);
  });

  it("spreads a leaving instance's shards over the others", () => {
    const current = table([0, 1, 2, 0, 1, 2]);
    const next = applyPlan(current, planShardAssignment({ shardCount: 6, current, liveInstances: [0, 1], nextProducerId: 200 }).changed);
    expect([owned(next, 0).length, owned(next, 1).length]).toEqual([3, 3]);
    expect(next.filter((shard) => shard.shardEpoch === 1).map((shard) => shard.shard)).toEqual([2, 5]);
  });

  it('changes nothing when the assignment is already balanced', () => {
    expect(planShardAssignment({ shardCount: 4, current: table([1, 0, 1, 0]), liveInstances: [0, 1], nextProducerId: 9 }).changed).toEqual([]);
  });

  it('bumps the epochs of a renewed instance even when it keeps its shards', () => {
    const plan = planShardAssignment({ shardCount: 2, current: table([0, 1], 2), liveInstances: [0, 1], renewedInstances: [1], nextProducerId: 200 });
    expect(plan.changed).toEqual([{ shard: 1, instanceId: 1, shardEpoch: 3, writerProducerId: 101 }]);
  });

  it('rolls a shard over to a fresh writer id at epoch 0 instead of reaching 32767', () => {
    const current = [{ shard: 0, instanceId: 0, shardEpoch: 32_766, writerProducerId: 7 }];
    const plan = planShardAssignment({ shardCount: 1, current, liveInstances: [1], nextProducerId: 300 });
    expect(plan.changed).toEqual([{ shard: 0, instanceId: 1, shardEpoch: 0, writerProducerId: 300 }]);
    expect(plan.nextProducerId).toBe(301);
  });

  it('stays balanced and sticky over join/leave sequences, bumping epochs exactly on owner change (property)', () => {
    const step = fc.record({ join: fc.boolean(), instance: fc.integer({ min: 0, max: 7 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(step, { maxLength: 30 }), (shardCount, steps) => {
        const live = new Set<number>();
        let current: controller.CoordinatorShardAssignment[] = [];
        let nextProducerId = 0;
        for (const { join, instance } of [{ join: true, instance: 0 }, ...steps]) {
          if (join) live.add(instance);
          else live.delete(instance);
          const liveInstances = [...live];
          const plan = planShardAssignment({ shardCount, current, liveInstances, nextProducerId });
          const next = applyPlan(current, plan.changed);
          expect(next).toHaveLength(shardCount);
          // Balanced: every shard owned by a live instance, counts within 1; or all unassigned.
          const counts = liveInstances.map((id) => owned(next, id).length);
          if (liveInstances.length === 0) expect(next.every((shard) => shard.instanceId === -1)).toBe(true);
          else {
            expect(counts.reduce((a, b) => a + b, 0)).toBe(shardCount);
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          }
          if (current.length === shardCount) {
            // Sticky: shards taken from live owners = the least any balanced assignment must move.
            const base = Math.floor(shardCount / Math.max(1, liveInstances.length));
            const extra = liveInstances.length === 0 ? 0 : shardCount % liveInstances.length;
            const before = liveInstances.map((id) => owned(current, id).length);
            const minimal = before.reduce((sum, count) => sum + Math.max(0, count - base), 0) - Math.min(extra, before.filter((count) => count > base).length);
            const moved = current.filter((shard, index) => live.has(shard.instanceId) && next[index]?.instanceId !== shard.instanceId).length;
            expect(moved).toBe(liveInstances.length === 0 ? 0 : minimal);
            // Epochs: + 1 exactly where the owner changed; writer ids fixed.
            current.forEach((shard, index) => {
              const after = next[index] as controller.CoordinatorShardAssignment;
              expect(after.shardEpoch).toBe(shard.shardEpoch + (after.instanceId === shard.instanceId ? 0 : 1));
              expect(after.writerProducerId).toBe(shard.writerProducerId);
            });
          }
          expect(plan.changed.every((shard) => current[shard.shard]?.instanceId !== shard.instanceId || current[shard.shard] === undefined)).toBe(true);
          current = next;
          nextProducerId = plan.nextProducerId;
        }
      }),
      { numRuns: 300 },
    );
  });
});
