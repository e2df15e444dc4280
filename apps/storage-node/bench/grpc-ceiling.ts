/**
 * measureGrpcCeilings: the loopback throughput ceiling of raw grpc-js between two processes, the
 * yardstick the storage-node benchmarks compare Samsa's produce and fetch paths against.
 *
 * The server is a child process (grpc-ceiling-server.mjs) with identity serializers, so messages
 * are raw `bytes` with no protobuf cost: this is the transport's ceiling. Two measurements, one
 * after the other on one channel, each after a short warm-up (JIT, TCP and HTTP/2 windows):
 * - client→server: one client stream of `messageBytes` messages; timed from the first write until
 *   the server's reply, which carries the byte count the server actually received.
 * - client→server into disk: as client→server, and the server appends every message to a file in
 *   the OS temp dir as a partition log would (vectored writes of what queued up meanwhile): the
 *   ceiling of any produce path on this machine, transport and disk together, with no Samsa code.
 * - server→client: one server stream of `messageBytes` messages; timed from the call until the
 *   last message arrives.
 * Writers honour backpressure (`write() === false` → wait for `drain`), as a real producer would.
 * Each direction stops at `totalBytes` or `durationCapMs`, whichever comes first.
 *
 * MB/s are decimal (10^6 bytes per second).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';

export interface GrpcCeilingOptions {
  /** Size of each message; default 64 KiB. */
  messageBytes?: number;
  /** Bytes to move in each direction; default 512 MiB. */
  totalBytes?: number;
  /** Time cap for each direction (warm-up excluded); default 30 s. */
  durationCapMs?: number;
  /** Bytes moved in each direction before measuring; default min(32 MiB, totalBytes / 8). */
  warmupBytes?: number;
}

export interface DirectionResult {
  bytes: number;
  elapsedMs: number;
  /** True if the time cap ended the run before `totalBytes`. */
  capped: boolean;
}

export interface GrpcCeilings {
  clientToServerMBps: number;
  clientToDiskMBps: number;
  serverToClientMBps: number;
  messageBytes: number;
  clientToServer: DirectionResult;
  clientToDisk: DirectionResult;
  serverToClient: DirectionResult;
}

const UPLOAD = '/samsa.bench.v1.CeilingService/Upload';
const UPLOAD_TO_DISK = '/samsa.bench.v1.CeilingService/UploadToDisk';
const DOWNLOAD = '/samsa.bench.v1.CeilingService/Download';
const MiB = 1024 * 1024;
const identity = (buffer: Buffer) => buffer;
const serverEntry = fileURLToPath(new URL('./grpc-ceiling-server.mjs', import.meta.url));

/** A running ceiling server and a client channel to it; each method measures one direction. */
export interface CeilingProbe {
  clientToServer(totalBytes: number): Promise<DirectionResult>;
  clientToDisk(totalBytes: number): Promise<DirectionResult>;
  serverToClient(totalBytes: number): Promise<DirectionResult>;
  close(): Promise<void>;
}

/** Starts the ceiling server process and warms the channel up (`warmupBytes` each way). */
export async function startCeilingProbe(options: { messageBytes?: number; durationCapMs?: number; warmupBytes?: number } = {}): Promise<CeilingProbe> {
  const messageBytes = options.messageBytes ?? 64 * 1024;
  const durationCapMs = options.durationCapMs ?? 30_000;
  const warmupBytes = options.warmupBytes ?? 32 * MiB;
  if (!(messageBytes > 0 && durationCapMs > 0)) throw new RangeError(`need messageBytes > 0 and durationCapMs > 0 (got ${messageBytes}, ${durationCapMs})`);
  const server = await startServer();
  // The same transport settings as Samsa's clients and servers (service-kit's tuneTransport), so
  // the ceiling is the transport's, not its defaults'.
  const client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    'grpc-node.flow_control_window': 8 * 1024 * 1024,
  });
  const close = async () => {
    client.close();
    await server.stop();
  };
  try {
    if (warmupBytes >= messageBytes) {
      await upload(client, UPLOAD, messageBytes, warmupBytes, durationCapMs);
      await download(client, messageBytes, warmupBytes, durationCapMs);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    clientToServer: (totalBytes) => upload(client, UPLOAD, messageBytes, totalBytes, durationCapMs),
    clientToDisk: (totalBytes) => upload(client, UPLOAD_TO_DISK, messageBytes, totalBytes, durationCapMs),
    serverToClient: (totalBytes) => download(client, messageBytes, totalBytes, durationCapMs),
    close,
  };
}

export async function measureGrpcCeilings(options: GrpcCeilingOptions = {}): Promise<GrpcCeilings> {
  const messageBytes = options.messageBytes ?? 64 * 1024;
  const totalBytes = options.totalBytes ?? 512 * MiB;
  if (!(totalBytes >= messageBytes)) throw new RangeError(`need totalBytes ≥ messageBytes (got ${totalBytes}, ${messageBytes})`);
  const probe = await startCeilingProbe({ ...options, warmupBytes: options.warmupBytes ?? Math.min(32 * MiB, Math.floor(totalBytes / 8)) });
  try {
    const clientToServer = await probe.clientToServer(totalBytes);
    const clientToDisk = await probe.clientToDisk(totalBytes);
    const serverToClient = await probe.serverToClient(totalBytes);
    return {
      clientToServerMBps: megabytesPerSecond(clientToServer),
      clientToDiskMBps: megabytesPerSecond(clientToDisk),
      serverToClientMBps: megabytesPerSecond(serverToClient),
      messageBytes,
      clientToServer,
      clientToDisk,
      serverToClient,
    };
  } finally {
    await probe.close();
  }
}

async function upload(client: grpc.Client, path: string, messageBytes: number, totalBytes: number, durationCapMs: number): Promise<DirectionResult> {
  const message = Buffer.alloc(messageBytes, 0xa5);
  let settle!: (error: grpc.ServiceError | null, reply?: Buffer) => void;
  const replied = new Promise<Buffer>((resolve, reject) => {
    settle = (error, reply) => (error || !reply ? reject(error ?? new Error('Upload returned no reply')) : resolve(reply));
  });
  replied.catch(() => undefined); // awaited below; an early failure must not count as unhandled
  const call = client.makeClientStreamRequest<Buffer, Buffer>(path, identity, identity, (error, reply) => settle(error, reply));
  const started = performance.now();
  const deadline = started + durationCapMs;
  let capped = false;
  for (let written = 0; written < totalBytes; written += messageBytes) {
    if (performance.now() > deadline) {
      capped = true;
      break;
    }
    // A failed call ends the stream with an error; the reply promise carries it.
    if (!call.write(message)) await Promise.race([once(call, 'drain'), replied]);
  }
  call.end();
  const reply = await replied;
  return { bytes: Number(reply.readBigUInt64BE(0)), elapsedMs: performance.now() - started, capped };
}

async function download(client: grpc.Client, messageBytes: number, totalBytes: number, durationCapMs: number): Promise<DirectionResult> {
  const request = Buffer.from(JSON.stringify({ messageBytes, totalBytes, durationCapMs }));
  const started = performance.now();
  const call = client.makeServerStreamRequest<Buffer, Buffer>(DOWNLOAD, identity, identity, request);
  let bytes = 0;
  let lastMessageAt = started;
  call.on('data', (message: Buffer) => {
    bytes += message.length;
    lastMessageAt = performance.now();
  });
  await new Promise<void>((resolve, reject) => {
    call.once('end', resolve);
    call.once('error', reject);
  });
  return { bytes, elapsedMs: lastMessageAt - started, capped: bytes < totalBytes };
}

export function megabytesPerSecond({ bytes, elapsedMs }: DirectionResult): number {
  return elapsedMs > 0 ? bytes / 1e6 / (elapsedMs / 1000) : 0;
}

/** Spawns the server process and reads its port from the first stdout line. */
async function startServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [serverEntry], { stdio: ['pipe', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit');
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(escalate);
  };
  try {
    const port = await firstLinePort(child, () => stderr);
    return { port, stop };
  } catch (error) {
    child.kill('SIGKILL');
    await stop();
    throw error;
  }
}

function firstLinePort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', (line) => {
      lines.close();
      const port = Number((JSON.parse(line) as { port?: unknown }).port);
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`ceiling server printed no port: ${line}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`ceiling server exited (code ${code}, signal ${signal}) before reporting its port: ${stderr()}`)));
    child.once('error', reject);
  });
}
