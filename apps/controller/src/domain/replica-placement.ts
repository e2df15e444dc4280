/**
 * Replica placement for new partitions: Kafka's AdminUtils.assignReplicasToBrokers, made
 * deterministic (the start index is an input instead of a random number).
 *
 * Nodes are the ACTIVE storage nodes. When every one has a rack, they are ordered rack-alternated
 * (racks sorted, then one node of each rack in turn, nodes of a rack by id: a1 b1 c1 a2 b2 ...);
 * otherwise by id, racks ignored. Partition p's first replica (preferred leader) is
 * list[(p + startIndex) mod n], so consecutive partitions' leaders go round the list and leaders
 * are balanced within 1 across nodes. Followers are taken at a shift from the leader that grows
 * by one each time the partition index wraps round the list, so replica pairs vary; rack-aware,
 * a follower is skipped while its rack already holds a replica and some rack holds none, and a
 * node is never used twice. Hence with R ≥ RF racks every partition spans RF racks, and with
 * fewer racks it spans all of them.
 */

export interface PlacementNode {
  readonly nodeId: number;
  /** Empty when unknown. */
  readonly rack: string;
}

export interface PlacementRequest {
  /** Candidate nodes (any order). */
  readonly nodes: readonly PlacementNode[];
  readonly partitionCount: number;
  readonly replicationFactor: number;
  /** Index of the first partition placed (CreatePartitions continues a topic), >= 0. */
  readonly firstPartition: number;
  /** Where partition 0 would start in the arranged node list, >= 0 (rotates between topics). */
  readonly startIndex: number;
}

/** The node order placement walks: rack-alternated when every node has a rack, else by id. */
export function arrangeNodes(nodes: readonly PlacementNode[]): number[] {
  const sorted = [...nodes].sort((a, b) => a.nodeId - b.nodeId);
  if (sorted.length === 0 || sorted.some((node) => node.rack === '')) return sorted.map((node) => node.nodeId);
  const byRack = new Map<string, number[]>();
  for (const node of sorted) {
    const members = byRack.get(node.rack) ?? [];
    members.push(node.nodeId);
    byRack.set(node.rack, members);
  }
  const racks = [...byRack.keys()].sort();
  const arranged: number[] = [];
  for (let round = 0; arranged.length < sorted.length; round++) {
    for (const rack of racks) {
      const nodeId = byRack.get(rack)?.[round];
      if (nodeId !== undefined) arranged.push(nodeId);
    }
  }
  return arranged;
}

function followerIndex(firstIndex: number, shift: number, attempt: number, nodeCount: number): number {
  return (firstIndex + 1 + ((shift + attempt) % (nodeCount - 1))) % nodeCount;
}

/**
 * Replica lists for partitions firstPartition .. firstPartition + partitionCount - 1, in order.
 * Throws when the replication factor exceeds the node count (callers check first).
 */
export function placeReplicas(request: PlacementRequest): number[][] {
  const arranged = arrangeNodes(request.nodes);
  const nodeCount = arranged.length;
  const { replicationFactor } = request;
  if (replicationFactor < 1 || replicationFactor > nodeCount) {
    throw new Error(`cannot place ${replicationFactor} replicas on ${nodeCount} nodes`);
  }
  const rackOf = new Map(request.nodes.map((node) => [node.nodeId, node.rack]));
  const rackAware = request.nodes.every((node) => node.rack !== '');
  const rackCount = rackAware ? new Set(rackOf.values()).size : 1;
  const startIndex = request.startIndex % nodeCount;
  let shift = startIndex;
  const placements: number[][] = [];
  for (let partition = request.firstPartition; partition < request.firstPartition + request.partitionCount; partition++) {
    if (partition > 0 && partition % nodeCount === 0) shift += 1;
    const firstIndex = (partition + startIndex) % nodeCount;
    const replicas = [arranged[firstIndex] as number];
    const racks = new Set([rackOf.get(replicas[0] as number)]);
    for (let attempt = 0; replicas.length < replicationFactor; attempt++) {
      if (attempt > nodeCount * nodeCount) throw new Error('replica placement did not converge');
      const nodeId = arranged[followerIndex(firstIndex, rackAware ? shift * rackCount : shift, attempt, nodeCount)] as number;
      const rack = rackOf.get(nodeId);
      const rackOk = !rackAware || !racks.has(rack) || racks.size === rackCount;
      if (rackOk && !replicas.includes(nodeId)) {
        replicas.push(nodeId);
        racks.add(rack);
      }
    }
    placements.push(replicas);
  }
  return placements;
}
