import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrangeNodes, placeReplicas, type PlacementNode } from './replica-placement.js';

function nodesWithRacks(racks: Record<number, string>): PlacementNode[] {
  return Object.entries(racks).map(([nodeId, rack]) => ({ nodeId: Number(nodeId), rack }));
}

/** Random node sets: unique ids, racks from a small alphabet (all set) or none at all. */
const clusterArbitrary = fc
  .record({
    ids: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }),
    rackCount: fc.integer({ min: 0, max: 5 }),
    seed: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
  })
  .map(({ ids, rackCount, seed }) => ids.map((nodeId, index) => ({ nodeId, rack: rackCount === 0 ? '' : `rack-${(seed[index] ?? 0) % rackCount}` })));

const placementArbitrary = clusterArbitrary.chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    partitionCount: fc.integer({ min: 1, max: 60 }),
    replicationFactor: fc.integer({ min: 1, max: nodes.length }),
    firstPartition: fc.integer({ min: 0, max: 30 }),
    startIndex: fc.integer({ min: 0, max: 30 }),
  }),
);

describe('arrangeNodes', () => {
  it("alternates racks in rack order like Kafka's getRackAlternatedBrokerList", () => {
    const racks = { 0: 'rack1', 1: 'rack3', 2: 'rack3', 3: 'rack2', 4: 'rack2', 5: 'rack1' };
    expect(arrangeNodes(nodesWithRacks(racks))).toEqual([0, 3, 1, 5, 4, 2]);
    const { 5: _removed, ...withoutFive } = racks;
    expect(arrangeNodes(nodesWithRacks(withoutFive))).toEqual([0, 3, 1, 4, 2]);
  });

  it('orders by node id when any node has no rack', () => {
    expect(arrangeNodes(nodesWithRacks({ 3: 'a', 1: '', 2: 'b' }))).toEqual([1, 2, 3]);
  });
});

describe('placeReplicas', () => {
  it("reproduces Kafka's rack-unaware assignment (5 nodes, 10 partitions, RF 3, start 0)", () => {
    const nodes = [0, 1, 2, 3, 4].map((nodeId) => ({ nodeId, rack: '' }));
    expect(placeReplicas({ nodes, partitionCount: 10, replicationFactor: 3, firstPartition: 0, startIndex: 0 })).toEqual([
      [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1], [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
    ]);
  });

  it("reproduces Kafka's rack-aware assignment (6 nodes on 3 racks, 7 partitions, RF 3, start 0)", () => {
    const nodes = nodesWithRacks({ 0: 'rack1', 1: 'rack3', 2: 'rack3', 3: 'rack2', 4: 'rack2', 5: 'rack1' });
    expect(placeReplicas({ nodes, partitionCount: 7, replicationFactor: 3, firstPartition: 0, startIndex: 0 })).toEqual([
      [0, 3, 1], [3, 1, 5], [1, 5, 4], [5, 4, 2], [4, 2, 0], [2, 0, 3], [0, 4, 2],
    ]);
  });

  it('continues a topic: partitions placed later equal those placed at once', () => {
    const nodes = nodesWithRacks({ 0: 'a', 1: 'b', 2: 'c', 3: 'a' });
    const atOnce = placeReplicas({ nodes, partitionCount: 9, replicationFactor: 2, firstPartition: 0, startIndex: 1 });
    const grown = placeReplicas({ nodes, partitionCount: 5, replicationFactor: 2, firstPartition: 4, startIndex: 1 });
    expect(grown).toEqual(atOnce.slice(4));
  });

  it('refuses more replicas than nodes', () => {
    expect(() => placeReplicas({ nodes: [{ nodeId: 1, rack: '' }], partitionCount: 1, replicationFactor: 2, firstPartition: 0, startIndex: 0 })).toThrow();
  });

  it('gives every partition RF distinct replicas on the given nodes', () => {
    fc.assert(
      fc.property(placementArbitrary, (request) => {
        const ids = new Set(request.nodes.map((node) => node.nodeId));
        const placements = placeReplicas(request);
        expect(placements).toHaveLength(request.partitionCount);
        for (const replicas of placements) {
          expect(replicas).toHaveLength(request.replicationFactor);
          expect(new Set(replicas).size).toBe(request.replicationFactor);
          for (const nodeId of replicas) expect(ids.has(nodeId)).toBe(true);
        }
      }),
    );
  });

  it('balances leaders within 1 across nodes', () => {
    fc.assert(
      fc.property(placementArbitrary, (request) => {
        const leaders = new Map(request.nodes.map((node) => [node.nodeId, 0]));
        for (const replicas of placeReplicas(request)) leaders.set(replicas[0] as number, (leaders.get(replicas[0] as number) ?? 0) + 1);
        const counts = [...leaders.values()];
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('spreads every partition over min(RF, racks) racks when every node has a rack', () => {
    fc.assert(
      fc.property(placementArbitrary, (request) => {
        fc.pre(request.nodes.every((node) => node.rack !== ''));
        const rackOf = new Map(request.nodes.map((node) => [node.nodeId, node.rack]));
        const rackCount = new Set(rackOf.values()).size;
        for (const replicas of placeReplicas(request)) {
          expect(new Set(replicas.map((nodeId) => rackOf.get(nodeId))).size).toBe(Math.min(request.replicationFactor, rackCount));
        }
      }),
    );
  });
});
