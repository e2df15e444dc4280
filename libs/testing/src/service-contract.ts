/**
 * The lifecycle contract every Samsa service process must pass (used by each app's integration
 * test): starts on port 0 and logs READY; health SERVING; reflection lists its services and
 * health; an unimplemented RPC answers UNIMPLEMENTED (until its issue lands); /healthz, /readyz
 * and /metrics answer; SIGTERM exits 0 within 5 s; a bad configuration exits 2 with one message
 * naming every bad key.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { callStatus, checkHealth, listServicesByReflection } from './grpc-probes.js';
import { httpGet } from './http-probe.js';
import { spawnService, type SpawnedService } from './spawn-service.js';
import { makeTempDir } from './temp-dir.js';

export interface ServiceContractOptions {
  /** Absolute path of the service's built entry point (dist/main.js). */
  entry: string;
  /** Fully qualified gRPC services it must list, e.g. ['samsa.storage.v1.StorageService']. */
  services: readonly string[];
  /** A method that must still answer UNIMPLEMENTED, e.g. '/samsa.storage.v1.StorageService/Produce'. */
  unimplementedMethod?: string;
  /** False for a service that is not ready until a dependency (the controller) answers: /readyz must say 503. */
  readyAlone?: boolean;
  /** Extra arguments every start needs. */
  args?: readonly string[];
}

const FREE_PORTS = ['--grpc-port', '0', '--admin-port', '0'];

export function describeServiceContract(name: string, options: ServiceContractOptions): void {
  describe(`${name} service lifecycle`, () => {
    const started: SpawnedService[] = [];
    const start = (args: readonly string[], env?: NodeJS.ProcessEnv) => {
      const service = spawnService(options.entry, [...(options.args ?? []), ...args], env ? { env } : {});
      started.push(service);
      return service;
    };
    afterEach(async () => {
      await Promise.all(started.splice(0).map((service) => service.stop('SIGKILL')));
    });

    it('serves health, reflection and the admin endpoints, then exits 0 on SIGTERM within 5 s', async () => {
      const service = start(FREE_PORTS);
      const { grpcPort, adminPort } = await service.ready;
      const address = `127.0.0.1:${grpcPort}`;

      expect(grpcPort).toBeGreaterThan(0);
      expect(await checkHealth(address)).toBe('SERVING');
      for (const serviceName of options.services) expect(await checkHealth(address, serviceName)).toBe('SERVING');
      expect(await listServicesByReflection(address)).toEqual([...options.services, 'grpc.health.v1.Health'].sort());

      if (options.unimplementedMethod) expect(await callStatus(address, options.unimplementedMethod)).toBe(grpc.status.UNIMPLEMENTED);

      expect(await httpGet(adminPort, '/healthz')).toMatchObject({ status: 200 });
      expect(await httpGet(adminPort, '/readyz')).toMatchObject({ status: options.readyAlone === false ? 503 : 200 });
      const metrics = await httpGet(adminPort, '/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('samsa_grpc_server_handled_total{method="/grpc.health.v1.Health/Check",code="OK"');

      const sentAt = performance.now();
      const exit = await service.stop('SIGTERM');
      expect(exit).toEqual({ code: 0, signal: null });
      expect(performance.now() - sentAt).toBeLessThan(5_000);
    });

    it('exits 2 with one message naming every bad key (unknown key, wrong type, out of range)', async () => {
      const dir = await makeTempDir();
      try {
        const file = join(dir.path, 'config.json');
        await writeFile(file, JSON.stringify({ logLevl: 'info' }));
        const service = start(['--config', file, '--grpc-port', 'not-a-number', '--admin-port', '70000', '--bogus-flag', 'x'], {
          SAMSA_SHUTDOWN_TIMEOUT_MS: '-5',
        });
        const exit = await service.exited;
        expect(exit.code).toBe(2);
        const lines = service.stderr().trim().split('\n');
        expect(lines).toHaveLength(1);
        for (const key of ['logLevl', 'grpcPort', 'adminPort', '--bogus-flag', 'shutdownTimeoutMs']) expect(lines[0]).toContain(key);
        expect(service.logs.some((line) => line.msg === 'READY')).toBe(false);
      } finally {
        await dir.cleanup();
      }
    });
  });
}
