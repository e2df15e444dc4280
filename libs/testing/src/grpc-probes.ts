/**
 * Black-box probes a test uses on any Samsa service: the standard health check and the list of
 * services from server reflection (grpc.reflection.v1), both over real gRPC on 127.0.0.1.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

const require = createRequire(import.meta.url);
const reflectionProtoPath = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');

type ClientConstructor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;

function clientFor(protoFile: string, servicePath: string): ClientConstructor {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(protoFile, { keepCase: false, defaults: true, enums: String }));
  return servicePath.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], loaded) as ClientConstructor;
}

const HealthClient = clientFor(healthProtoPath, 'grpc.health.v1.Health');
const ReflectionClient = clientFor(reflectionProtoPath, 'grpc.reflection.v1.ServerReflection');

/** The serving status ("SERVING", "NOT_SERVING", ...) of `service` ("" = the whole server). */
export async function checkHealth(address: string, service = '', timeoutMs = 5_000): Promise<string> {
  const client = new HealthClient(address, grpc.credentials.createInsecure()) as grpc.Client & {
    check(request: object, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: { status: string }) => void): void;
  };
  try {
    return await new Promise<string>((resolve, reject) =>
      client.check({ service }, { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response?.status ?? 'UNKNOWN'))),
    );
  } finally {
    client.close();
  }
}

interface ReflectionResponse {
  listServicesResponse?: { service: Array<{ name: string }> };
  errorResponse?: { errorMessage: string };
}

/** The fully qualified service names a server lists through reflection. */
export async function listServicesByReflection(address: string, timeoutMs = 5_000): Promise<string[]> {
  const client = new ReflectionClient(address, grpc.credentials.createInsecure()) as grpc.Client & {
    serverReflectionInfo(options: grpc.CallOptions): grpc.ClientDuplexStream<object, ReflectionResponse>;
  };
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const call = client.serverReflectionInfo({ deadline: Date.now() + timeoutMs });
      call.once('data', (response: ReflectionResponse) => {
        call.end();
        if (response.listServicesResponse) resolve(response.listServicesResponse.service.map((s) => s.name).sort());
        else reject(new Error(`reflection error: ${response.errorResponse?.errorMessage ?? 'no list_services response'}`));
      });
      call.once('error', reject);
      call.write({ listServices: '*' });
    });
  } finally {
    client.close();
  }
}

/** Makes one unary call to `path` with an empty request and returns the gRPC status code. */
export async function callStatus(address: string, path: string, timeoutMs = 5_000): Promise<grpc.status> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    return await new Promise<grpc.status>((resolve) => {
      client.makeUnaryRequest(
        path,
        (value: Buffer) => value,
        (value: Buffer) => value,
        Buffer.alloc(0),
        { deadline: Date.now() + timeoutMs },
        (error) => resolve(error ? error.code : grpc.status.OK),
      );
    });
  } finally {
    client.close();
  }
}
