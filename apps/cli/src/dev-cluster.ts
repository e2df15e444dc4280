/**
 * `samsa dev` (for now): starts the four Samsa services as child processes on 127.0.0.1, forwards
 * their JSON log lines, prints where each listens once all are READY, and on Ctrl-C / SIGTERM
 * stops them gracefully. If any service exits on its own, the others are stopped and the command
 * fails. The embedded single-process dev cluster replaces this when the services are implemented.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEV_SERVICES = [
  { name: 'controller', portOffset: 1 },
  { name: 'storage-node', portOffset: 0 },
  { name: 'group-coordinator', portOffset: 2 },
  { name: 'transaction-coordinator', portOffset: 3 },
] as const;

/** Admin (HTTP) ports sit this far above the gRPC ports. */
const ADMIN_PORT_DISTANCE = 100;

export interface DevClusterOptions {
  host: string;
  /** gRPC port of the storage node; the others follow it. 0 gives every service a free port. */
  basePort: number;
  logLevel: string;
  /** Directory for the services' data (the controller's metadata store lives in <dataDir>/controller). */
  dataDir: string;
}

interface Running {
  name: string;
  child: ChildProcessByStdio<null, Readable, null>;
  grpcPort?: number;
  adminPort?: number;
}

/** Runs until stopped by a signal; resolves with the process exit code to use. */
export function runDevCluster(options: DevClusterOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const running: Running[] = DEV_SERVICES.map(({ name, portOffset }) => {
    const port = (offset: number) => String(options.basePort === 0 ? 0 : options.basePort + offset);
    const entry = fileURLToPath(new URL(`../../${name}/dist/main.js`, import.meta.url));
    const args = ['--host', options.host, '--grpc-port', port(portOffset), '--admin-host', options.host];
    args.push('--admin-port', port(portOffset + ADMIN_PORT_DISTANCE), '--log-level', options.logLevel);
    if (name === 'controller') args.push('--data-dir', join(options.dataDir, 'controller'));
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    return { name, child };
  });

  return new Promise<number>((resolve) => {
    let stopping = false;
    let exitCode = 0;
    let exited = 0;
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      for (const service of running) if (service.child.exitCode === null) service.child.kill('SIGTERM');
    };

    for (const service of running) {
      createInterface({ input: service.child.stdout }).on('line', (line) => {
        out.write(`${line}\n`);
        const ready = readyPorts(line);
        if (!ready) return;
        Object.assign(service, ready);
        if (running.every((s) => s.grpcPort !== undefined)) out.write(summary(options.host, running));
      });
      service.child.once('exit', (code, signal) => {
        exited++;
        if (!stopping) {
          process.stderr.write(`samsa dev: ${service.name} exited unexpectedly (code ${code}, signal ${signal}); stopping the others\n`);
          stopAll(1);
        } else if (code !== 0) {
          exitCode = 1;
        }
        if (exited === running.length) resolve(exitCode);
      });
    }
    process.once('SIGINT', () => stopAll(0));
    process.once('SIGTERM', () => stopAll(0));
  });
}

function readyPorts(line: string): { grpcPort: number; adminPort: number } | undefined {
  if (!line.includes('"READY"')) return undefined;
  try {
    const parsed = JSON.parse(line) as { msg?: string; grpcPort?: number; adminPort?: number };
    return parsed.msg === 'READY' ? { grpcPort: Number(parsed.grpcPort), adminPort: Number(parsed.adminPort) } : undefined;
  } catch {
    return undefined;
  }
}

function summary(host: string, running: readonly Running[]): string {
  const rows = running.map((s) => `  ${s.name.padEnd(24)} grpc ${host}:${s.grpcPort}   admin http://${host}:${s.adminPort}/metrics`);
  return `\nSamsa is running (Ctrl-C stops it):\n${rows.join('\n')}\n\n`;
}
