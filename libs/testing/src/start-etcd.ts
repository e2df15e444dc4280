/**
 * startEtcd: a real etcd (Debian's `etcd-server`, `/usr/bin/etcd`) for integration tests, as one
 * member or a three-member cluster on loopback.
 *
 * Invariants:
 * - Every port (client, peer, metrics) is OS-assigned: we bind port 0, read the port, and close;
 *   all ports of one start are reserved together so they are distinct. If a member still loses a
 *   port race and exits during start-up, the whole start is retried with fresh ports.
 * - Each member has its own data dir inside one fresh temp dir and its own `--listen-metrics-urls`
 *   (the default 2381 would collide between members and between parallel suites).
 * - `startEtcd` resolves only when every member's `/health` endpoint (served on its client URL)
 *   reports healthy, which for etcd means the cluster has a leader and serves requests. We poll;
 *   we never sleep a fixed time hoping it is ready.
 * - Every member process is SIGKILLed when the test process exits, so a failed test leaves no etcd.
 *
 * Short heartbeat/election timings are the default so leader failover and the minimum lease TTL
 * (1.5 election timeouts, rounded up to whole seconds) stay short in tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeTempDir } from './temp-dir.js';

export interface StartEtcdOptions {
  /** Cluster size; default 1. */
  members?: 1 | 3;
  /** The etcd binary; default `/usr/bin/etcd`. */
  binary?: string;
  /** Raft heartbeat; default 50 ms. */
  heartbeatIntervalMs?: number;
  /** Raft election timeout; default 500 ms (so leases of 1 s are honoured). */
  electionTimeoutMs?: number;
  /** How long to wait for the cluster to become healthy; default 20 s. */
  startTimeoutMs?: number;
}

export interface EtcdMember {
  name: string;
  /** `http://127.0.0.1:<port>` */
  clientUrl: string;
  peerUrl: string;
  metricsUrl: string;
  dataDir: string;
  /** The member's process id. */
  pid: number | undefined;
  /** True until the member's process has exited. */
  running(): boolean;
}

export interface EtcdCluster {
  /** Client URLs of all members, in member order (`http://127.0.0.1:<port>`). */
  endpoints: string[];
  members: readonly EtcdMember[];
  /** The temp dir holding every member's data dir. */
  dir: string;
  /** Sends `signal` (default SIGKILL) to one member and resolves when it has exited. */
  kill(memberIndex: number, signal?: NodeJS.Signals): Promise<void>;
  /** Stops every member (SIGTERM, then SIGKILL after 2 s) and resolves when all have exited. */
  stop(): Promise<void>;
  /** Kills every member (SIGKILL: the data is thrown away anyway) and removes the temp dir. */
  cleanup(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const START_ATTEMPTS = 3;

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdCluster> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const temp = await makeTempDir('samsa-etcd-');
    try {
      return await startOnce(options, temp);
    } catch (error) {
      lastError = error;
      await temp.cleanup();
      if (!(error instanceof EarlyExitError)) break;
    }
  }
  throw lastError;
}

/** A member exited before the cluster became healthy (most often a lost port race). */
class EarlyExitError extends Error {}

interface RunningMember extends EtcdMember {
  child: ChildProcess;
  exited: Promise<void>;
  stderrTail(): string;
}

async function startOnce(options: StartEtcdOptions, temp: { path: string; cleanup: () => Promise<void> }): Promise<EtcdCluster> {
  const count = options.members ?? 1;
  const ports = await reserveFreePorts(count * 3);
  const token = `samsa-${process.pid}-${ports[0]}`;
  const specs = Array.from({ length: count }, (_, index) => ({
    name: `member${index}`,
    clientUrl: `http://127.0.0.1:${ports[index * 3]}`,
    peerUrl: `http://127.0.0.1:${ports[index * 3 + 1]}`,
    metricsUrl: `http://127.0.0.1:${ports[index * 3 + 2]}`,
    dataDir: join(temp.path, `member${index}`),
  }));
  const initialCluster = specs.map((spec) => `${spec.name}=${spec.peerUrl}`).join(',');
  const members: RunningMember[] = [];
  for (const spec of specs) {
    await mkdir(spec.dataDir, { recursive: true, mode: 0o700 });
    const args = [
      `--name=${spec.name}`,
      `--data-dir=${spec.dataDir}`,
      `--listen-client-urls=${spec.clientUrl}`,
      `--advertise-client-urls=${spec.clientUrl}`,
      `--listen-peer-urls=${spec.peerUrl}`,
      `--initial-advertise-peer-urls=${spec.peerUrl}`,
      `--listen-metrics-urls=${spec.metricsUrl}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${token}`,
      `--heartbeat-interval=${options.heartbeatIntervalMs ?? 50}`,
      `--election-timeout=${options.electionTimeoutMs ?? 500}`,
      '--logger=zap',
      '--log-level=error',
    ];
    members.push(spawnMember(options.binary ?? '/usr/bin/etcd', args, spec));
  }
  const cluster = makeCluster(members, temp);
  try {
    await waitHealthy(members, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    await cluster.cleanup();
    throw error;
  }
  return cluster;
}

function spawnMember(binary: string, args: string[], spec: Omit<EtcdMember, 'pid' | 'running'>): RunningMember {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8_192);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      live.delete(child);
      resolve();
    });
    child.once('error', (error) => {
      stderr += `\nspawn failed: ${error.message}`;
      live.delete(child);
      resolve();
    });
  });
  return {
    ...spec,
    child,
    exited,
    stderrTail: () => stderr,
    pid: child.pid,
    running: () => isRunning(child),
  };
}

function makeCluster(members: RunningMember[], temp: { path: string; cleanup: () => Promise<void> }): EtcdCluster {
  const stopMember = async (member: RunningMember, signal: NodeJS.Signals) => {
    if (!isRunning(member.child)) return member.exited;
    member.child.kill(signal);
    // Members stopped together can wait on each other (leadership transfer); do not wait long.
    const escalate = setTimeout(() => member.child.kill('SIGKILL'), 2_000);
    await member.exited;
    clearTimeout(escalate);
  };
  const stopAll = async (signal: NodeJS.Signals) => {
    await Promise.all(members.map((member) => stopMember(member, signal)));
  };
  const stop = () => stopAll('SIGTERM');
  return {
    endpoints: members.map((member) => member.clientUrl),
    members: members.map(({ name, clientUrl, peerUrl, metricsUrl, dataDir, pid, running }) => ({ name, clientUrl, peerUrl, metricsUrl, dataDir, pid, running })),
    dir: temp.path,
    async kill(memberIndex, signal = 'SIGKILL') {
      const member = members[memberIndex];
      if (!member) throw new RangeError(`no etcd member ${memberIndex} (cluster of ${members.length})`);
      await stopMember(member, signal);
    },
    stop,
    async cleanup() {
      await stopAll('SIGKILL');
      await temp.cleanup();
    },
  };
}

async function waitHealthy(members: RunningMember[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const pending = new Set(members);
  while (pending.size > 0) {
    for (const member of [...pending]) {
      if (!isRunning(member.child)) {
        throw new EarlyExitError(`etcd ${member.name} exited during start-up: ${member.stderrTail()}`);
      }
      if (await isHealthy(member.clientUrl)) pending.delete(member);
    }
    if (pending.size === 0) return;
    if (performance.now() > deadline) {
      const names = [...pending].map((member) => `${member.name}: ${member.stderrTail()}`).join('\n');
      throw new Error(`etcd not healthy within ${timeoutMs} ms\n${names}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function isHealthy(clientUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { health?: unknown };
    return response.ok && body.health === 'true';
  } catch {
    return false;
  }
}

/** Distinct free loopback ports: all listeners are open at once, then all are closed. */
export async function reserveFreePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}
