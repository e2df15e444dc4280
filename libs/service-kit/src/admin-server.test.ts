import { silentLogger } from '@samsa/common';
import { afterEach, describe, expect, it } from 'vitest';
import { startAdminServer, type AdminServer, type Readiness } from './admin-server.js';
import { createServiceMetrics } from './metrics.js';

const servers: AdminServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((server) => server.close())));

async function get(port: number, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

describe('admin HTTP server', () => {
  it('reports liveness, readiness with its reason, and Prometheus metrics', async () => {
    let readiness: Readiness = { ready: false, reason: 'loading shards' };
    const metrics = createServiceMetrics('unit');
    const server = await startAdminServer({ host: '127.0.0.1', port: 0, registry: metrics.registry, readiness: () => readiness, logger: silentLogger });
    servers.push(server);

    expect(await get(server.port, '/healthz')).toMatchObject({ status: 200 });
    expect(await get(server.port, '/readyz')).toMatchObject({ status: 503, body: 'not ready: loading shards\n' });
    readiness = { ready: true, reason: '' };
    expect(await get(server.port, '/readyz')).toMatchObject({ status: 200 });

    metrics.grpcHandled.inc({ method: '/x.Y/Z', code: 'OK' });
    const scraped = await get(server.port, '/metrics');
    expect(scraped.status).toBe(200);
    expect(scraped.type).toContain('text/plain');
    expect(scraped.body).toContain('samsa_grpc_server_handled_total{method="/x.Y/Z",code="OK",service="unit"} 1');
    expect(await get(server.port, '/nothing')).toMatchObject({ status: 404 });
  });
});
