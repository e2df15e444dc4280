import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { checkHealth, makeTempDir, spawnService, type SpawnedService } from '@samsa/testing';

const entry = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const started: SpawnedService[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((service) => service.stop('SIGKILL')));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('samsa dev starts every service, and SIGTERM stops them all and exits 0', async () => {
  const dir = await makeTempDir('samsa-dev-');
  const dev = spawnService(entry, ['dev', '--base-port', '0', '--data-dir', dir.path]);
  started.push(dev);
  cleanups.push(dir.cleanup);
  const names = ['controller', 'storage-node', 'group-coordinator', 'transaction-coordinator'];
  const readyLines = await Promise.all(names.map((name) => dev.waitForLog((line) => line.msg === 'READY' && line.service === name)));

  for (const line of readyLines) expect(await checkHealth(`127.0.0.1:${line.grpcPort}`)).toBe('SERVING');
  // The storage node found the controller and registered with it.
  await dev.waitForLog((line) => line.msg === 'registered' && line.service === 'storage-node');

  expect(await dev.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  for (const line of readyLines) expect(isAlive(Number(line.pid))).toBe(false);
});
