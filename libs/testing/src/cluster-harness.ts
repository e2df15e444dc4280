/**
 * startCluster: a real Samsa cluster for integration and fault tests — one controller (embedded
 * metadata store), N storage nodes and, on request, M transaction-coordinator instances, each a
 * separate process started from its built entry point (`apps/<app>/dist/main.js`; build them first).
 *
 * Invariants:
 * - Every cluster has its own temp dir: `controller/`, `node-<id>/` and `txn-<id>/` data dirs inside it.
 * - Every port comes from the OS (`--grpc-port 0 --admin-port 0`) and is read from the READY line.
 *   A restart re-binds the member's previous gRPC port by default, as a restarted broker would,
 *   so addresses held by peers, clients and the controller's metadata stay valid.
 * - Node ids are 1..nodes. Node n gets `racks[(n - 1) % racks.length]` when racks are given.
 * - Transaction-coordinator instance ids are 1..transactionCoordinators; their member id is
 *   `txn-<id>`. With any of them, the controller also gets short coordinator session timings
 *   ({@link testCoordinatorControllerDefaults}) so a killed instance's id is free again quickly.
 * - `startCluster` resolves when the controller logged READY and `active controller` and every
 *   node and coordinator logged READY and `registered`; it never sleeps. If any of that fails, everything already
 *   started is killed and the temp dir removed before the error is thrown.
 * - Children never outlive the test process (spawnService SIGKILLs them on exit); temp dirs of
 *   clusters still open at exit are removed then too. Children inherit no SAMSA_* variables.
 *
 * Arguments: harness flags come first, then the test-friendly controller defaults below, then
 * `controllerArgs` / `nodeArgs(nodeId)` / `transactionCoordinatorArgs(instanceId)`; the last
 * occurrence of a flag wins, so tests can override anything.
 */
import { access, mkdir } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MemberProcess, type ClusterMember } from './cluster-member.js';
import type { ExitInfo } from './spawn-service.js';
import { makeTempDir } from './temp-dir.js';

export type { ClusterMember, MemberState } from './cluster-member.js';

export interface ClusterNode extends ClusterMember {
  readonly nodeId: number;
  readonly rack: string | undefined;
  /** From the current incarnation's `registered` line. */
  readonly brokerEpoch: number | undefined;
}

/** A storage node id, `'controller'`, or `'txn-<instanceId>'` for a transaction coordinator. */
export type ClusterMemberId = number | 'controller' | `txn-${number}`;

export interface StartClusterOptions {
  /** Number of storage nodes (ids 1..nodes); 0 starts the controller alone. */
  nodes: number;
  /** Extra controller flags, after the harness's defaults (so they override them). */
  controllerArgs?: readonly string[];
  /** Extra flags for node `nodeId`, last on its command line. */
  nodeArgs?: (nodeId: number) => readonly string[];
  /** Racks assigned round-robin by node id; no `--rack` flag when omitted. */
  racks?: readonly string[];
  /** Default `apps/controller/dist/main.js` of this workspace. */
  controllerEntry?: string;
  /** Default `apps/storage-node/dist/main.js` of this workspace. */
  nodeEntry?: string;
  /** Per process: READY plus its readiness line must come within this; default 15 s. */
  startTimeoutMs?: number;
  /** Number of transaction-coordinator instances (ids 1..n, member ids `txn-<id>`); default 0. */
  transactionCoordinators?: number;
  /** Extra flags for transaction-coordinator instance `instanceId`, last on its command line. */
  transactionCoordinatorArgs?: (instanceId: number) => readonly string[];
  /** Default `apps/transaction-coordinator/dist/main.js` of this workspace. */
  transactionCoordinatorEntry?: string;
}

export interface RestartOptions {
  /** Re-bind the previous gRPC port (default true); false takes a fresh port from the OS. */
  keepPort?: boolean;
}

export interface TestCluster {
  /** The temp dir holding every data dir; removed by close(). */
  readonly dir: string;
  readonly controller: ClusterMember;
  /** `127.0.0.1:<port>` of the controller (stable across controller restarts that keep the port). */
  readonly controllerAddress: string;
  /** Storage nodes by id. The entries are live: after a restart they describe the new process. */
  readonly nodes: ReadonlyMap<number, ClusterNode>;
  /** Node `nodeId`; throws RangeError for an unknown id. */
  node(nodeId: number): ClusterNode;
  /** Transaction-coordinator instances by instance id (live entries, like `nodes`); empty unless asked for. */
  readonly transactionCoordinators: ReadonlyMap<number, ClusterMember>;
  /** Transaction-coordinator instance `instanceId`; throws RangeError for an unknown id. */
  transactionCoordinator(instanceId: number): ClusterMember;
  /** SIGKILL; resolves with the exit once the process is gone. */
  kill(member: ClusterMemberId): Promise<ExitInfo>;
  /** SIGSTOP; resolves once the process is stopped. */
  pause(member: ClusterMemberId): Promise<void>;
  /** SIGCONT; resolves once the process runs again. */
  resume(member: ClusterMemberId): Promise<void>;
  /**
   * A new process with the same id and data dir; a still-running one is stopped first (SIGTERM).
   * Resolves when the new process logged READY and `registered` (a node or a coordinator) or
   * `active controller`. A coordinator restarted after a kill registers once its previous
   * session has expired.
   */
  restart(member: ClusterMemberId, options?: RestartOptions): Promise<ClusterMember>;
  /** SIGTERM (SIGKILL after `timeoutMs`, default 10 s); resolves with the exit. */
  stopNode(member: ClusterMemberId, timeoutMs?: number): Promise<ExitInfo>;
  /** Kills every process and removes the temp dir. Idempotent. */
  close(): Promise<void>;
}

/** Short timings and few internal-topic shards so tests see failures and starts quickly. */
export function testControllerDefaults(nodes: number): string[] {
  return [
    '--election-ttl-ms', '1000',
    '--broker-session-timeout-ms', '4000',
    '--broker-heartbeat-interval-ms', '500',
    '--liveness-check-interval-ms', '250',
    '--offsets-topic-num-partitions', '3',
    '--transaction-state-log-num-partitions', '3',
    '--internal-topics-min-active-nodes', String(Math.max(1, Math.min(nodes, 3))),
  ];
}

/** Short coordinator sessions, added to the controller's flags when the cluster has coordinators. */
export function testCoordinatorControllerDefaults(): string[] {
  return ['--coordinator-session-timeout-ms', '4000', '--coordinator-heartbeat-interval-ms', '500'];
}

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const openClusterDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of openClusterDirs) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

export async function startCluster(options: StartClusterOptions): Promise<TestCluster> {
  if (!Number.isSafeInteger(options.nodes) || options.nodes < 0) throw new RangeError(`nodes must be a whole number ≥ 0, got ${options.nodes}`);
  if (options.racks?.length === 0) throw new RangeError('racks, when given, must name at least one rack');
  const coordinatorCount = options.transactionCoordinators ?? 0;
  if (!Number.isSafeInteger(coordinatorCount) || coordinatorCount < 0) throw new RangeError(`transactionCoordinators must be a whole number ≥ 0, got ${coordinatorCount}`);
  const controllerEntry = options.controllerEntry ?? join(workspaceRoot, 'apps/controller/dist/main.js');
  const nodeEntry = options.nodeEntry ?? join(workspaceRoot, 'apps/storage-node/dist/main.js');
  const coordinatorEntry = options.transactionCoordinatorEntry ?? join(workspaceRoot, 'apps/transaction-coordinator/dist/main.js');
  await assertBuilt(controllerEntry);
  if (options.nodes > 0) await assertBuilt(nodeEntry);
  if (coordinatorCount > 0) await assertBuilt(coordinatorEntry);
  const timeoutMs = options.startTimeoutMs ?? 15_000;

  const temp = await makeTempDir('samsa-cluster-');
  openClusterDirs.add(temp.path);
  const controller = new MemberProcess({
    name: 'controller',
    entry: controllerEntry,
    dataDir: join(temp.path, 'controller'),
    args: (grpcPort) => [
      ...serviceFlags(grpcPort),
      '--data-dir', join(temp.path, 'controller'),
      ...testControllerDefaults(options.nodes),
      ...(coordinatorCount > 0 ? testCoordinatorControllerDefaults() : []),
      ...(options.controllerArgs ?? []),
    ],
    readyMessage: 'active controller',
    timeoutMs,
  });
  const nodes = new Map<number, NodeProcess>();
  for (let nodeId = 1; nodeId <= options.nodes; nodeId++) {
    const rack = options.racks ? options.racks[(nodeId - 1) % options.racks.length] : undefined;
    const dataDir = join(temp.path, `node-${nodeId}`);
    const node = new NodeProcess(nodeId, rack, {
      name: `node-${nodeId}`,
      entry: nodeEntry,
      dataDir,
      args: (grpcPort) => [
        ...serviceFlags(grpcPort),
        '--node-id', String(nodeId),
        '--data-dir', dataDir,
        '--controller-address', controller.address,
        ...(rack === undefined ? [] : ['--rack', rack]),
        ...(options.nodeArgs?.(nodeId) ?? []),
      ],
      readyMessage: 'registered',
      timeoutMs,
    });
    nodes.set(nodeId, node);
  }
  const coordinators = new Map<number, MemberProcess>();
  for (let instanceId = 1; instanceId <= coordinatorCount; instanceId++) {
    coordinators.set(instanceId, new MemberProcess({
      name: `txn-${instanceId}`,
      entry: coordinatorEntry,
      dataDir: join(temp.path, `txn-${instanceId}`),
      args: (grpcPort) => [
        ...serviceFlags(grpcPort),
        '--instance-id', String(instanceId),
        '--controller-address', controller.address,
        ...(options.transactionCoordinatorArgs?.(instanceId) ?? []),
      ],
      readyMessage: 'registered',
      timeoutMs,
    }));
  }

  const members = (): MemberProcess[] => [controller, ...nodes.values(), ...coordinators.values()];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all(members().map((member) => (member.state === 'exited' ? undefined : member.kill())));
      await temp.cleanup();
      openClusterDirs.delete(temp.path);
    })());

  try {
    await Promise.all(members().map((member) => mkdir(member.dataDir)));
    await controller.start({ keepPort: false });
    await firstFailure([...nodes.values(), ...coordinators.values()].map((member) => member.start({ keepPort: false })));
  } catch (error) {
    await close();
    throw error;
  }

  const coordinator = (instanceId: number): MemberProcess => {
    const found = coordinators.get(instanceId);
    if (!found) throw new RangeError(`no transaction coordinator ${instanceId} (instance ids are 1..${coordinatorCount})`);
    return found;
  };
  const member = (id: ClusterMemberId): MemberProcess => {
    if (id === 'controller') return controller;
    if (typeof id === 'string') return coordinator(Number(id.slice('txn-'.length)));
    const node = nodes.get(id);
    if (!node) throw new RangeError(`no storage node ${id} (node ids are 1..${options.nodes})`);
    return node;
  };
  return {
    dir: temp.path,
    controller,
    get controllerAddress() {
      return controller.address;
    },
    nodes,
    node: (nodeId) => member(nodeId) as NodeProcess,
    transactionCoordinators: coordinators,
    transactionCoordinator: coordinator,
    kill: (id) => member(id).kill(),
    pause: (id) => member(id).pause(),
    resume: (id) => member(id).resume(),
    async restart(id, restartOptions = {}) {
      const target = member(id);
      if (target.state !== 'exited') await target.stop(10_000);
      await target.start({ keepPort: restartOptions.keepPort ?? true });
      return target;
    },
    stopNode: (id, timeoutMs = 10_000) => member(id).stop(timeoutMs),
    close,
  };
}

class NodeProcess extends MemberProcess implements ClusterNode {
  constructor(
    readonly nodeId: number,
    readonly rack: string | undefined,
    spec: ConstructorParameters<typeof MemberProcess>[0],
  ) {
    super(spec);
  }
  get brokerEpoch(): number | undefined {
    const epoch = this.readyLine.brokerEpoch;
    return epoch === undefined ? undefined : Number(epoch);
  }
}

function serviceFlags(grpcPort: number): string[] {
  return ['--grpc-port', String(grpcPort), '--admin-port', '0'];
}

async function assertBuilt(entry: string): Promise<void> {
  await access(entry).catch(() => {
    throw new Error(`${entry} does not exist: build the app first (npx nx run-many -t build)`);
  });
}

/** Waits for every start; rejects with the first failure, but only after all have settled. */
async function firstFailure(starts: Array<Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(starts);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length === 1) throw failures[0]?.reason;
  if (failures.length > 1) throw new AggregateError(failures.map((failure) => failure.reason as unknown), `${failures.length} cluster members failed to start: ${failures.map((failure) => (failure.reason as Error).message).join('\n')}`);
}
