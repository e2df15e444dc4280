/**
 * `samsa dev`: starts Samsa on this machine — the controller (embedded metadata store), one
 * storage node registered with it, and the two coordinators — as child processes on 127.0.0.1,
 * forwards their JSON log lines, prints where each listens once all are READY, and on Ctrl-C /
 * SIGTERM stops them gracefully (the storage node moves its leaderships away first). If any
 * service exits on its own, the others are stopped and the command fails.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createServer, type AddressInfo } from 'node:net';
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

/** A port the OS considers free right now (for --base-port 0, where services must find the controller). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs until stopped by a signal; resolves with the process exit code to use. */
export async function runDevCluster(options: DevClusterOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const controllerPort = options.basePort === 0 ? await freePort(options.host) : options.basePort + 1;
  const running: Running[] = DEV_SERVICES.map(({ name, portOffset }) => {
    const port = (offset: number) => String(options.basePort === 0 ? 0 : options.basePort + offset);
    const entry = fileURLToPath(new URL(`../../${name}/dist/main.js`, import.meta.url));
    const grpcPort = name === 'controller' ? String(controllerPort) : port(portOffset);
    const args = ['--host', options.host, '--grpc-port', grpcPort, '--admin-host', options.host];
    args.push('--admin-port', port(portOffset + ADMIN_PORT_DISTANCE), '--log-level', options.logLevel);
    if (name === 'controller') args.push('--data-dir', join(options.dataDir, 'controller'));
    if (name === 'storage-node') {
      args.push('--node-id', '1', '--data-dir', join(options.dataDir, 'storage-node-1'), '--controller-address', `${options.host}:${controllerPort}`);
    }
    if (name === 'transaction-coordinator') args.push('--instance-id', '1', '--controller-address', `${options.host}:${controllerPort}`);
    const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    return { name, child };
  });

  return new Promise<number>((resolve) => {
    let stopping = false;
    let exitCode = 0;
    let exited = 0;
    const alive = (service: Running) => service.child.exitCode === null && service.child.signalCode === null;
    // The controller stops last: the storage node's controlled shutdown needs it to move leaderships.
    const stopController = () => {
      if (running.every((service) => service.name === 'controller' || !alive(service))) {
        for (const service of running) if (service.name === 'controller' && alive(service)) service.child.kill('SIGTERM');
      }
    };
    const stopAll = (code: number) => {
      if (stopping) return;
      stopping = true;
      exitCode = code;
      for (const service of running) if (service.name !== 'controller' && alive(service)) service.child.kill('SIGTERM');
      stopController();
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
        if (stopping) stopController();
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
