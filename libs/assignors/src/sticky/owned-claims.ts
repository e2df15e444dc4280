/**
 * Resolution of the partitions members claim to own (kafka-facts.md §4.3, "owned-partition input
 * and generations").
 *
 * Rules, applied per partition and independent of member order:
 * - claims on partitions that do not exist (no metadata, out of range, or a topic nobody
 *   subscribes to) are ignored; a member claiming a partition twice counts once;
 * - the claim with the highest generation wins and older (stale) claims are disregarded;
 * - if several claims share that highest generation, the partition is contested: no member
 *   keeps it;
 * - a winner no longer subscribed to the partition's topic does not keep it (resolution happens
 *   first, so a stale claimant does not inherit it either).
 *
 * The raw claimant counts are kept too: the cooperative protocol must not give a partition to a
 * new owner while any other member still lists it (see `sticky-assign.ts`).
 */
import type { TopicPartition } from '../types.js';
import type { GroupIndex } from './group-index.js';

/** The partitions one member claims and the generation it owned them in (−1 = unknown). */
export interface MemberClaims {
  readonly partitions: readonly TopicPartition[];
  readonly generation: number;
}

export interface ResolvedClaims {
  /** Valid owner (member index) of each partition, −1 when none. */
  readonly validOwner: Int32Array;
  /** Number of distinct members listing each partition, whatever their generation. */
  readonly claimantCount: Int32Array;
  /** The last member seen listing each partition (the only one when `claimantCount` is 1). */
  readonly lastClaimant: Int32Array;
  /** True for partitions claimed by several members in the same, highest generation. */
  readonly contested: Uint8Array;
  /** Partitions each member validly owns, ascending by global id. */
  readonly owned: readonly number[][];
}

/** `claims[m]` are the claims of member `m` of `index` (member-id order). */
export function resolveClaims(index: GroupIndex, claims: readonly MemberClaims[]): ResolvedClaims {
  const partitionCount = index.partitionCount;
  const bestGeneration = new Float64Array(partitionCount);
  const bestClaimant = new Int32Array(partitionCount).fill(-1);
  const claimantCount = new Int32Array(partitionCount);
  const lastClaimant = new Int32Array(partitionCount).fill(-1);
  const contested = new Uint8Array(partitionCount);

  claims.forEach((memberClaims, m) => {
    for (const claimed of memberClaims.partitions) {
      const g = index.globalId(claimed.topic, claimed.partition);
      if (g < 0 || lastClaimant[g] === m) continue;
      claimantCount[g] = (claimantCount[g] ?? 0) + 1;
      lastClaimant[g] = m;
      const generation = memberClaims.generation;
      if (bestClaimant[g] === -1 || generation > (bestGeneration[g] ?? 0)) {
        bestGeneration[g] = generation;
        bestClaimant[g] = m;
        contested[g] = 0;
      } else if (generation === bestGeneration[g]) {
        contested[g] = 1;
      }
    }
  });

  const validOwner = new Int32Array(partitionCount).fill(-1);
  const owned: number[][] = index.members.map(() => []);
  for (let g = 0; g < partitionCount; g++) {
    const owner = bestClaimant[g] ?? -1;
    if (owner < 0 || contested[g] === 1 || !index.subscribes(owner, index.partitionTopic[g] ?? 0)) continue;
    validOwner[g] = owner;
    owned[owner]?.push(g);
  }
  return { validOwner, claimantCount, lastClaimant, contested, owned };
}
