/**
 * ClusterMember: one role in a test cluster (the controller, or storage node n) that outlives its
 * processes. Each start spawns a new *incarnation* — a fresh process with the same identity, the
 * same data dir and, by default, the same gRPC port — so tests can kill, pause, stop and restart
 * a member and keep addressing it by id.
 *
 * Invariants:
 * - At most one live process per member: `start` refuses while the current one runs, so two
 *   incarnations never share a data dir (the stores lock their dirs; a live twin would fail).
 * - `start` resolves only after the process logged READY *and* the member's own readiness line
 *   (`active controller`, `registered`), both read from the new process's logs; it never sleeps.
 *   If either never comes, the new process is SIGKILLed before the error is thrown.
 * - `pause` resolves once the kernel reports the process stopped (Linux `/proc/<pid>/stat`), and
 *   `resume` once it runs again, so a test's next step sees the state it asked for.
 *
 * Concurrency: operations on one member are not queued; tests drive a member one step at a time.
 */
import { readFile } from 'node:fs/promises';
import { spawnService, type ExitInfo, type SpawnedService } from './spawn-service.js';

/** running: the process serves; paused: SIGSTOPped; exited: no live process. */
export type MemberState = 'running' | 'paused' | 'exited';

export interface ClusterMember {
  /** `controller` or `node-<id>`, used in error messages. */
  readonly name: string;
  /** Kept across restarts. */
  readonly dataDir: string;
  /** The current incarnation's process; replaced by every restart. */
  readonly service: SpawnedService;
  /** `127.0.0.1:<grpcPort>` of the current incarnation. */
  readonly address: string;
  readonly grpcPort: number;
  readonly adminPort: number;
  readonly pid: number | undefined;
  /** 1 for the first process, +1 per restart. */
  readonly incarnation: number;
  readonly state: MemberState;
  /** The readiness line (`active controller` / `registered`) of the current incarnation. */
  readonly readyLine: Readonly<Record<string, unknown>>;
}

export interface MemberSpec {
  name: string;
  entry: string;
  dataDir: string;
  /** The process's arguments; `grpcPort` is 0 on the first start and the previous port on a restart that keeps it. */
  args(grpcPort: number): string[];
  /** The log message, besides READY, that means this member is usable. */
  readyMessage: string;
  timeoutMs: number;
}

const PROCESS_STATE_TIMEOUT_MS = 5_000;

export class MemberProcess implements ClusterMember {
  readonly name: string;
  readonly dataDir: string;
  #service: SpawnedService | undefined;
  #grpcPort = 0;
  #adminPort = 0;
  #incarnation = 0;
  #paused = false;
  #readyLine: Record<string, unknown> = {};

  constructor(private readonly spec: MemberSpec) {
    this.name = spec.name;
    this.dataDir = spec.dataDir;
  }

  get service(): SpawnedService {
    if (!this.#service) throw new Error(`${this.name} has not been started`);
    return this.#service;
  }
  get address(): string {
    return `127.0.0.1:${this.#grpcPort}`;
  }
  get grpcPort(): number {
    return this.#grpcPort;
  }
  get adminPort(): number {
    return this.#adminPort;
  }
  get pid(): number | undefined {
    return this.#service?.child.pid;
  }
  get incarnation(): number {
    return this.#incarnation;
  }
  get readyLine(): Readonly<Record<string, unknown>> {
    return this.#readyLine;
  }
  get state(): MemberState {
    if (!this.#service || !isAlive(this.#service)) return 'exited';
    return this.#paused ? 'paused' : 'running';
  }

  /** Spawns a new incarnation and waits until it is ready; see the module header. */
  async start(options: { keepPort: boolean }): Promise<void> {
    if (this.#service && isAlive(this.#service)) throw new Error(`${this.name} is still running (pid ${this.pid}); stop it first`);
    const service = spawnService(this.spec.entry, this.spec.args(options.keepPort ? this.#grpcPort : 0), { timeoutMs: this.spec.timeoutMs });
    this.#service = service;
    this.#paused = false;
    this.#incarnation++;
    try {
      const [ports, line] = await Promise.all([service.ready, service.waitForLog((logLine) => logLine.msg === this.spec.readyMessage)]);
      this.#grpcPort = ports.grpcPort;
      this.#adminPort = ports.adminPort;
      this.#readyLine = line;
    } catch (error) {
      await service.stop('SIGKILL');
      throw new Error(`${this.name} (incarnation ${this.#incarnation}) did not become ready: ${(error as Error).message}`, { cause: error });
    }
  }

  /** SIGKILL (works on a paused process too); resolves when the process has exited. */
  async kill(): Promise<ExitInfo> {
    const service = this.service;
    this.#paused = false;
    return service.stop('SIGKILL');
  }

  /** SIGTERM, escalating to SIGKILL after `timeoutMs`; a paused process is continued so it can act on it. */
  async stop(timeoutMs: number): Promise<ExitInfo> {
    const service = this.service;
    const stopping = service.stop('SIGTERM', timeoutMs);
    if (this.#paused && isAlive(service)) service.child.kill('SIGCONT');
    this.#paused = false;
    return stopping;
  }

  async pause(): Promise<void> {
    this.signalLive('SIGSTOP');
    this.#paused = true;
    await this.waitForProcessState((state) => state === 'T' || state === 't', 'stopped');
  }

  async resume(): Promise<void> {
    this.signalLive('SIGCONT');
    this.#paused = false;
    await this.waitForProcessState((state) => state !== 'T' && state !== 't', 'running');
  }

  private signalLive(signal: NodeJS.Signals): void {
    const service = this.service;
    if (!isAlive(service)) throw new Error(`${this.name} has exited; cannot send ${signal}`);
    service.child.kill(signal);
  }

  /** Polls the kernel's view of the process (Linux); elsewhere the signal is trusted. */
  private async waitForProcessState(accept: (state: string) => boolean, wanted: string): Promise<void> {
    const pid = this.pid;
    const deadline = performance.now() + PROCESS_STATE_TIMEOUT_MS;
    for (;;) {
      const state = await readProcessState(pid);
      if (state === undefined || accept(state)) return;
      if (performance.now() > deadline) throw new Error(`${this.name} (pid ${pid}) not ${wanted} within ${PROCESS_STATE_TIMEOUT_MS} ms (state ${state})`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

function isAlive(service: SpawnedService): boolean {
  return service.child.exitCode === null && service.child.signalCode === null;
}

/** The state letter of `/proc/<pid>/stat` (R, S, D, T, t, Z…), or undefined where there is no procfs. */
async function readProcessState(pid: number | undefined): Promise<string | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ..." — comm may contain spaces and parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
