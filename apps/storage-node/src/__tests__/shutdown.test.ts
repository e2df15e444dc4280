/**
 * SIGTERM with clients attached: open fetch streams and long polls end when the node stops, so
 * shutdown does not sit out shutdownTimeoutMs (set far beyond the test's timeout here).
 */
import * as grpc from '@grpc/grpc-js';
import { storage } from '@samsa/proto';
import { startCluster, type TestCluster } from '@samsa/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awaitLeader, Clients, createTopic } from './storage-test-kit.js';

let cluster: TestCluster;
const clients = new Clients();

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, nodeArgs: () => ['--shutdown-timeout-ms', '300000'] });
});

afterAll(async () => {
  clients.close();
  await cluster?.close();
});

describe('storage node shutdown', () => {
  it('ends open FetchStreams (even a paused one) and long polls on SIGTERM and exits 0', async () => {
    await createTopic(clients.controller(cluster), 'held-open', 1, 1);
    const node = clients.node(cluster, 1);
    await awaitLeader(node, 'held-open', 0);
    const partitions = [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }];
    const stream = node.fetchStream(storage.FetchStreamRequest.fromPartial({ replicaId: -1, maxWaitMs: 250_000, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic: 'held-open', partitions }] }));
    stream.pause();
    const streamEnded = new Promise<string>((resolve) => {
      stream.on('status', (status: grpc.StatusObject) => resolve(grpc.status[status.code]));
      stream.on('error', () => undefined);
    });
    const longPoll = new Promise<string>((resolve) =>
      node.fetch(storage.FetchRequest.fromPartial({ replicaId: -1, maxWaitMs: 250_000, minBytes: 1, maxBytes: 1 << 20, topics: [{ topic: 'held-open', partitions }] }), (error) => resolve(error ? grpc.status[error.code] : 'OK')),
    );
    const exit = await cluster.stopNode(1, 250_000);
    expect(exit.code).toBe(0);
    expect(['OK', 'UNAVAILABLE', 'CANCELLED']).toContain(await streamEnded);
    expect(['OK', 'UNAVAILABLE', 'CANCELLED']).toContain(await longPoll);
  });
});
