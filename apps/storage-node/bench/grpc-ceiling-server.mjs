/**
 * The far end of the gRPC ceiling benchmark (grpc-ceiling.ts), run as its own process: a grpc-js
 * server with two raw-bytes methods and identity serializers, so what is measured is grpc-js's
 * transport (HTTP/2 framing, flow control, copies), not protobuf.
 *
 * - `Upload` (client stream): counts the bytes it receives; replies with the count (8 bytes, BE).
 * - `UploadToDisk` (client stream): as `Upload`, and appends every message to a file in the OS temp
 *   dir (where the bench cluster keeps its logs) the way a partition log does: what arrived while a
 *   write was running goes out as the next write, copied into page-aligned memory and written with
 *   O_DIRECT in whole 4 KiB blocks (the partial last block is written again with the next write);
 *   the stream pauses while 8 MiB wait. The file is removed before the reply.
 * - `Download` (server stream): the request is JSON `{ messageBytes, totalBytes, durationCapMs }`;
 *   it writes `messageBytes`-sized messages, honouring backpressure, until `totalBytes` are sent,
 *   the cap passes or the client cancels.
 *
 * Binds 127.0.0.1:0 and prints `{"port":<n>}` on stdout. Exits when its stdin closes, so it never
 * outlives the parent.
 */
import { once } from 'node:events';
import { constants } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';

const identity = (buffer) => buffer;
const method = (name, requestStream, responseStream) => ({
  path: `/samsa.bench.v1.CeilingService/${name}`,
  requestStream,
  responseStream,
  requestSerialize: identity,
  requestDeserialize: identity,
  responseSerialize: identity,
  responseDeserialize: identity,
});
const service = { Upload: method('Upload', true, false), UploadToDisk: method('UploadToDisk', true, false), Download: method('Download', false, true) };
const countReply = (bytes) => {
  const reply = Buffer.alloc(8);
  reply.writeBigUInt64BE(BigInt(bytes));
  return reply;
};
let uploads = 0;

const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
server.addService(service, {
  Upload(call, callback) {
    let bytes = 0;
    call.on('data', (message) => (bytes += message.length));
    call.on('error', () => undefined);
    call.on('end', () => callback(null, countReply(bytes)));
  },
  async UploadToDisk(call, callback) {
    const path = join(tmpdir(), `samsa-ceiling-${process.pid}-${uploads++}.log`);
    const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_DIRECT);
    // Page-aligned memory (a WebAssembly memory), room for 8 MiB waiting plus one message.
    const staging = Buffer.from(new WebAssembly.Memory({ initial: 512 }).buffer);
    let filePosition = 0;
    let carried = 0;
    let bytes = 0;
    let pending = [];
    let pendingBytes = 0;
    let writing = null;
    const writeLoop = async () => {
      while (pending.length > 0) {
        const chunks = pending;
        pending = [];
        pendingBytes = 0;
        call.resume();
        let filled = carried;
        for (const chunk of chunks) filled += chunk.copy(staging, filled);
        const padded = Math.ceil(filled / 4096) * 4096;
        staging.fill(0, filled, padded);
        await file.write(staging, 0, padded, filePosition);
        const whole = filled - (filled % 4096);
        staging.copyWithin(0, whole, filled);
        filePosition += whole;
        carried = filled - whole;
      }
      writing = null;
    };
    call.on('data', (message) => {
      bytes += message.length;
      pending.push(message);
      pendingBytes += message.length;
      if (pendingBytes >= 8 * 1024 * 1024) call.pause();
      writing ??= writeLoop();
    });
    call.on('error', () => undefined);
    call.on('end', async () => {
      try {
        await writing;
        await file.close();
        await rm(path, { force: true });
        callback(null, countReply(bytes));
      } catch (error) {
        callback(error);
      }
    });
  },
  async Download(call) {
    const { messageBytes, totalBytes, durationCapMs } = JSON.parse(call.request.toString('utf8'));
    const message = Buffer.alloc(messageBytes, 0x5a);
    const deadline = performance.now() + durationCapMs;
    let cancelled = false;
    // One shared promise: a fresh once(call, 'cancelled') per drain would pile up listeners.
    const cancellation = new Promise((resolve) => call.once('cancelled', resolve)).then(() => (cancelled = true));
    call.on('error', () => (cancelled = true));
    for (let sent = 0; sent < totalBytes && !cancelled; sent += messageBytes) {
      if (!call.write(message)) await Promise.race([once(call, 'drain'), cancellation]);
      if (performance.now() > deadline) break;
    }
    if (!cancelled) call.end();
  },
});

server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`bind failed: ${error.message}\n`);
    process.exit(1);
  }
  // Samsa's server transport settings (service-kit tuneTransport): no Nagle, 8 MiB HTTP/2 windows.
  for (const http2Server of server.http2Servers?.keys() ?? []) {
    http2Server.on('connection', (socket) => socket.setNoDelay(true));
    http2Server.on('session', (session) => {
      session.settings({ initialWindowSize: 8 * 1024 * 1024 });
      session.setLocalWindowSize(8 * 1024 * 1024);
    });
  }
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});

process.stdin.resume();
process.stdin.on('end', () => {
  server.forceShutdown();
  process.exit(0);
});
