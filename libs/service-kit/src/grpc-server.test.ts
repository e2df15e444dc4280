import * as grpc from '@grpc/grpc-js';
import { ErrorCode, storage } from '@samsa/proto';
import { SamsaError, silentLogger, type Logger } from '@samsa/common';
import { afterEach, describe, expect, it } from 'vitest';
import { bindService, type AsyncServiceImplementation } from './bind-service.js';
import { createErrorMapper } from './error-status.js';
import { startGrpcServer, type GrpcServerHandle } from './grpc-server.js';
import { createServiceMetrics } from './metrics.js';

type StorageImpl = AsyncServiceImplementation<typeof storage.StorageServiceService>;

function recordingLogger(lines: Array<{ fields: object; message?: string }>): Logger {
  const log = (fields: object | string, message?: string) => lines.push(typeof fields === 'string' ? { fields: {}, message: fields } : { fields, message });
  const logger: Logger = { trace: log, debug: log, info: log, warn: log, error: log, fatal: log, child: () => logger };
  return logger;
}

const servers: GrpcServerHandle[] = [];
const clients: grpc.Client[] = [];
afterEach(async () => {
  clients.splice(0).forEach((client) => client.close());
  await Promise.all(servers.splice(0).map((server) => server.shutdown(100)));
});

async function serve(implementation: StorageImpl, logger: Logger = silentLogger) {
  const binding = bindService(storage.StorageServiceService, implementation, createErrorMapper(), logger);
  const server = await startGrpcServer({ host: '127.0.0.1', port: 0, bindings: [binding], metrics: createServiceMetrics('test'), logger });
  servers.push(server);
  const client = new storage.StorageServiceClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  clients.push(client);
  return { server, client };
}

function produce(client: storage.StorageServiceClient): Promise<storage.ProduceResponse> {
  return new Promise((resolve, reject) =>
    client.produce(storage.ProduceRequest.fromPartial({ acks: 1 }), (error, response) => (error ? reject(error) : resolve(response))),
  );
}

async function failureOf(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('bindService over a real grpc-js server', () => {
  it('answers a unary call with the async handler result', async () => {
    const { client } = await serve({
      produce: async (request) => storage.ProduceResponse.fromPartial({ topics: [{ topic: `acks=${request.acks}` }] }),
    });
    expect((await produce(client)).topics[0]?.topic).toBe('acks=1');
  });

  it('maps a SamsaError to its gRPC status with the Kafka code and retriability in trailers', async () => {
    const { client } = await serve({
      produce: async () => {
        throw new SamsaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'node 2 leads orders-0 now');
      },
    });
    const error = await failureOf(produce(client));
    expect(error.code).toBe(grpc.status.UNAVAILABLE);
    expect(error.details).toBe('node 2 leads orders-0 now');
    expect(error.metadata.get('samsa-error-code')).toEqual([String(ErrorCode.NOT_LEADER_OR_FOLLOWER)]);
    expect(error.metadata.get('samsa-retriable')).toEqual(['true']);
  });

  it('hides an unexpected error behind INTERNAL "Unknown server error" and logs the details', async () => {
    const lines: Array<{ fields: object; message?: string }> = [];
    const { client } = await serve(
      {
        produce: () => {
          throw new TypeError('secret internal detail');
        },
      },
      recordingLogger(lines),
    );
    const error = await failureOf(produce(client));
    expect(error.code).toBe(grpc.status.INTERNAL);
    expect(error.details).toBe('Unknown server error');
    expect(error.metadata.get('samsa-error-code')).toEqual([String(ErrorCode.UNKNOWN_SERVER_ERROR)]);
    const logged = lines.find((line) => line.message === 'unexpected error while handling a call');
    expect(String((logged?.fields as { err?: Error }).err?.message)).toBe('secret internal detail');
  });

  it('answers UNIMPLEMENTED for a method the implementation leaves out', async () => {
    const { client } = await serve({});
    const error = await failureOf(produce(client));
    expect(error.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(error.details).toContain('samsa.storage.v1.StorageService/Produce');
  });

  it('streams messages and ends a server stream with the mapped status of a thrown error', async () => {
    const { client } = await serve({
      fetchStream: async (_request, call) => {
        call.write(storage.FetchStreamResponse.fromPartial({}));
        call.write(storage.FetchStreamResponse.fromPartial({}));
        throw new SamsaError(ErrorCode.FENCED_LEADER_EPOCH, 'epoch 3 is stale');
      },
    });
    const stream = client.fetchStream(storage.FetchStreamRequest.fromPartial({}));
    let received = 0;
    stream.on('data', () => received++);
    const error = await new Promise<grpc.ServiceError>((resolve) => stream.on('error', resolve));
    expect(received).toBe(2);
    expect(error.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(error.details).toBe('epoch 3 is stale');
  });
});

describe('graceful shutdown', () => {
  it('lets an in-flight call finish before the server stops', async () => {
    let release!: () => void;
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { server, client } = await serve({
      produce: async () => {
        started();
        await new Promise<void>((resolve) => (release = resolve));
        return storage.ProduceResponse.fromPartial({});
      },
    });
    const call = produce(client);
    await handlerStarted;
    const stopped = server.shutdown(10_000);
    release();
    await expect(call).resolves.toBeDefined();
    await expect(stopped).resolves.toBe(true);
  });

  it('cancels calls still running at the deadline', async () => {
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const { server, client } = await serve({
      produce: () => {
        started();
        return new Promise<never>(() => undefined);
      },
    });
    const call = failureOf(produce(client));
    await handlerStarted;
    await expect(server.shutdown(50)).resolves.toBe(false);
    expect([grpc.status.CANCELLED, grpc.status.UNAVAILABLE, grpc.status.INTERNAL]).toContain((await call).code);
  });
});
