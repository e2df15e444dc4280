/**
 * Spawns a Samsa service (or any node entry point) as a child process and follows its JSON log
 * lines on stdout. `ready` resolves with the ports from the service's `READY` line, so tests wait
 * on the event itself, never on a sleep. Every child is killed when the test process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ReadyInfo {
  grpcPort: number;
  adminPort: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedService {
  child: ChildProcess;
  /** Parsed JSON log lines seen so far. */
  logs: Array<Record<string, unknown>>;
  /** Raw stderr text seen so far. */
  stderr(): string;
  /** Resolves on the READY line; rejects if the process exits first or `timeoutMs` passes. */
  ready: Promise<ReadyInfo>;
  /** Resolves when the process exits. */
  exited: Promise<ExitInfo>;
  /** Resolves with the first log line matching `predicate`; rejects on exit or after `timeoutMs`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends `signal` and resolves with the exit, or kills with SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function spawnService(entry: string, args: readonly string[] = [], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): SpawnedService {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const env = { ...withoutSamsaVariables(process.env), ...options.env };
  const child = spawn(process.execPath, [entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const logs: Array<Record<string, unknown>> = [];
  const watchers = new Set<(line: Record<string, unknown>) => void>();
  let stderrText = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderrText += chunk));
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = parseJsonLine(text);
    if (!line) return;
    logs.push(line);
    for (const watcher of watchers) watcher(line);
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });

  const waitForLog = (predicate: (line: Record<string, unknown>) => boolean, waitMs = timeoutMs) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = logs.find(predicate);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => finish(new Error(`no matching log line within ${waitMs} ms; stderr: ${stderrText}`)), waitMs);
      const watcher = (line: Record<string, unknown>) => predicate(line) && finish(undefined, line);
      const finish = (error?: Error, line?: Record<string, unknown>) => {
        clearTimeout(timer);
        watchers.delete(watcher);
        if (line) resolve(line);
        else reject(error);
      };
      watchers.add(watcher);
      void exited.then(({ code, signal }) => finish(new Error(`process exited (code ${code}, signal ${signal}) before the awaited log line; stderr: ${stderrText}`)));
    });

  const ready = waitForLog((line) => line.msg === 'READY').then((line) => ({
    grpcPort: Number(line.grpcPort),
    adminPort: Number(line.adminPort),
  }));
  ready.catch(() => undefined);

  return {
    child,
    logs,
    stderr: () => stderrText,
    ready,
    exited,
    waitForLog,
    async stop(signal = 'SIGTERM', stopTimeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** The test's own SAMSA_* variables must not leak into a child's configuration. */
function withoutSamsaVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('SAMSA_')));
}

function parseJsonLine(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
