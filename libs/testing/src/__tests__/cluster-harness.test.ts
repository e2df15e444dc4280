/**
 * The cluster harness against the real controller (apps/controller/dist) and, until the storage
 * node speaks its process contract, a stand-in node (fixtures/fake-storage-node.mjs) that takes
 * the same flags and logs the same READY / `registered` lines.
 */
import { access, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startCluster, type StartClusterOptions, type TestCluster } from '../cluster-harness.js';

const fakeNodeEntry = fileURLToPath(new URL('./fixtures/fake-storage-node.mjs', import.meta.url));

async function withCluster(options: StartClusterOptions, body: (cluster: TestCluster) => Promise<void>): Promise<TestCluster> {
  const cluster = await startCluster({ nodeEntry: fakeNodeEntry, ...options });
  try {
    await body(cluster);
  } finally {
    await cluster.close();
  }
  return cluster;
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** The kernel's state letter for a process (T = stopped by a signal). */
async function processState(pid: number | undefined): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Resolves with the socket error code, or 'connected'. */
const tryConnect = (address: string) =>
  new Promise<string>((resolve) => {
    const [host, port] = address.split(':');
    const socket = connect(Number(port), host, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

describe('startCluster', () => {
  it('starts a controller alone on an OS-assigned port and removes every process and the temp dir on close', async () => {
    const cluster = await withCluster({ nodes: 0 }, async (running) => {
      expect(running.nodes.size).toBe(0);
      expect(running.controller.state).toBe('running');
      expect(running.controllerAddress).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(running.controller.grpcPort).toBeGreaterThan(0);
      expect(running.controller.dataDir).toBe(join(running.dir, 'controller'));
      expect(await tryConnect(running.controllerAddress)).toBe('connected');
      expect(running.controller.readyLine.msg).toBe('active controller');
    });
    expect(cluster.controller.state).toBe('exited');
    expect(await exists(cluster.dir)).toBe(false);
    await expect(cluster.close()).resolves.toBeUndefined();
  });

  it('restarts a killed controller with the same data dir and gRPC port', async () => {
    await withCluster({ nodes: 0 }, async (cluster) => {
      const { pid, grpcPort } = cluster.controller;
      const firstEpoch = Number(cluster.controller.readyLine.controllerEpoch);

      expect(await cluster.kill('controller')).toEqual({ code: null, signal: 'SIGKILL' });
      expect(cluster.controller.state).toBe('exited');
      await cluster.restart('controller');

      expect(cluster.controller.incarnation).toBe(2);
      expect(cluster.controller.pid).not.toBe(pid);
      expect(cluster.controller.grpcPort).toBe(grpcPort);
      // The epoch only grows if the new process read the old one's metadata from the same dir.
      expect(Number(cluster.controller.readyLine.controllerEpoch)).toBeGreaterThan(firstEpoch);
    });
  });

  it('gives nodes ids from 1, their own data dirs and ports, racks round-robin, their flags and no SAMSA_ variables', async () => {
    process.env.SAMSA_LEAK_PROBE = '1';
    try {
      const options = { nodes: 3, racks: ['rack-a', 'rack-b'], nodeArgs: (nodeId: number) => ['--extra', `x${nodeId}`] };
      await withCluster(options, async (cluster) => {
        expect([...cluster.nodes.keys()]).toEqual([1, 2, 3]);
        const ready = [1, 2, 3].map((nodeId) => cluster.node(nodeId).service.logs.find((line) => line.msg === 'READY'));
        expect(ready.map((line) => [line?.nodeId, line?.rack, line?.extra])).toEqual([
          [1, 'rack-a', 'x1'],
          [2, 'rack-b', 'x2'],
          [3, 'rack-a', 'x3'],
        ]);
        expect(ready.every((line) => line?.controllerAddress === cluster.controllerAddress)).toBe(true);
        expect(ready.map((line) => line?.samsaEnv)).toEqual([[], [], []]);
        const nodes = [...cluster.nodes.values()];
        expect(nodes.map((node) => node.dataDir)).toEqual([1, 2, 3].map((nodeId) => join(cluster.dir, `node-${nodeId}`)));
        expect(new Set([cluster.controller.grpcPort, ...nodes.map((node) => node.grpcPort)]).size).toBe(4);
        expect(nodes.map((node) => [node.rack, node.brokerEpoch, node.state])).toEqual([
          ['rack-a', 1, 'running'],
          ['rack-b', 1, 'running'],
          ['rack-a', 1, 'running'],
        ]);
        expect(() => cluster.node(4)).toThrow(RangeError);
      });
    } finally {
      delete process.env.SAMSA_LEAK_PROBE;
    }
  });

  it('pauses, resumes, kills and restarts a node under the same id, data dir and port', async () => {
    await withCluster({ nodes: 2 }, async (cluster) => {
      const node = cluster.node(2);
      const { pid, grpcPort } = node;

      await cluster.pause(2);
      expect([node.state, await processState(pid)]).toEqual(['paused', 'T']);
      await cluster.resume(2);
      expect(node.state).toBe('running');
      expect(await processState(pid)).not.toBe('T');

      await cluster.pause(2);
      expect(await cluster.kill(2)).toEqual({ code: null, signal: 'SIGKILL' });
      expect(node.state).toBe('exited');
      const restarted = await cluster.restart(2);

      expect(restarted).toBe(node);
      expect([node.incarnation, node.grpcPort, node.brokerEpoch, node.state]).toEqual([2, grpcPort, 2, 'running']);
      expect(node.pid).not.toBe(pid);
      expect(cluster.node(1).incarnation).toBe(1);
    });
  });

  it('stops a running node with SIGTERM before restarting it, and stopNode returns the exit even when paused', async () => {
    await withCluster({ nodes: 1 }, async (cluster) => {
      const first = cluster.node(1).service;
      await cluster.restart(1, { keepPort: false });
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(first.logs.some((line) => line.msg === 'stopped')).toBe(true);
      expect(cluster.node(1).brokerEpoch).toBe(2);

      await cluster.pause(1);
      expect(await cluster.stopNode(1)).toEqual({ code: 0, signal: null });
      expect(cluster.node(1).state).toBe('exited');
    });
  });

  it('kills what it started and removes the temp dir when a node fails to start', async () => {
    const failing = startCluster({ nodes: 2, nodeEntry: fakeNodeEntry, nodeArgs: (nodeId) => (nodeId === 2 ? ['--fail-start', 'yes'] : []) });
    const error = await failing.then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/node-2 \(incarnation 1\) did not become ready/);
    const [, dataDir, controllerAddress] = /data-dir=(\S+) controller-address=(\S+)/.exec(error?.message ?? '') ?? [];
    expect(await exists(dirname(dataDir ?? '/nonexistent'))).toBe(false);
    expect(await tryConnect(controllerAddress ?? '127.0.0.1:1')).toBe('ECONNREFUSED');
  });
});
