/**
 * The far end of the gRPC ceiling benchmark (grpc-ceiling.ts), run as its own process: a grpc-js
 * server with two raw-bytes methods and identity serializers, so what is measured is grpc-js's
 * transport (HTTP/2 framing, flow control, copies), not protobuf.
 *
 * - `Upload` (client stream): counts the bytes it receives; replies with the count (8 bytes, BE).
 * - `Download` (server stream): the request is JSON `{ messageBytes, totalBytes, durationCapMs }`;
 *   it writes `messageBytes`-sized messages, honouring backpressure, until `totalBytes` are sent,
 *   the cap passes or the client cancels.
 *
 * Binds 127.0.0.1:0 and prints `{"port":<n>}` on stdout. Exits when its stdin closes, so it never
 * outlives the parent.
 */
import { once } from 'node:events';
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
const service = { Upload: method('Upload', true, false), Download: method('Download', false, true) };

const server = new grpc.Server({ 'grpc.max_receive_message_length': -1, 'grpc.max_send_message_length': -1 });
server.addService(service, {
  Upload(call, callback) {
    let bytes = 0;
    call.on('data', (message) => (bytes += message.length));
    call.on('error', () => undefined);
    call.on('end', () => {
      const reply = Buffer.alloc(8);
      reply.writeBigUInt64BE(BigInt(bytes));
      callback(null, reply);
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
