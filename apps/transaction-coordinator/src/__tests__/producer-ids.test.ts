/**
 * One controller, one storage node and one transaction coordinator (child processes): producer ids
 * for idempotent producers come from controller blocks, are never handed out twice — under
 * concurrency, across blocks and across a kill -9 of the coordinator — and the coordinator is found
 * through FindCoordinator and the storage node's Metadata.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { ErrorCode, storage, transaction } from '@samsa/proto';
import { httpGet, startCluster, type TestCluster } from '@samsa/testing';
import { call, grpcError, waitFor } from './coordinator-test-kit.js';

let cluster: TestCluster;
const clients: grpc.Client[] = [];
/** Every producer id handed out so far in this cluster. */
const issued = new Set<number>();

function coordinatorClient(): transaction.TransactionCoordinatorServiceClient {
  const client = new transaction.TransactionCoordinatorServiceClient(cluster.transactionCoordinator(1).address, grpc.credentials.createInsecure());
  clients.push(client);
  return client;
}

const fresh = (fields: Partial<transaction.InitProducerIdRequest> = {}) => transaction.InitProducerIdRequest.fromPartial({ producerId: -1, producerEpoch: -1, ...fields });

/** `count` concurrent InitProducerId calls; checks each answer and returns the ids. */
async function initMany(client: transaction.TransactionCoordinatorServiceClient, count: number): Promise<number[]> {
  const responses = await Promise.all(Array.from({ length: count }, () => call(client, 'initProducerId', fresh())));
  for (const response of responses) expect(response).toMatchObject({ errorCode: ErrorCode.NONE, producerEpoch: 0 });
  return responses.map((response) => response.producerId);
}

/** Resolves once every line the process wrote to stdout has been read (and parsed into its logs). */
function outputRead(child: ChildProcess): Promise<void> {
  const stdout = child.stdout;
  if (!stdout || stdout.readableEnded || stdout.destroyed) return Promise.resolve();
  return new Promise((resolve) => stdout.once('close', () => resolve()));
}

function metricValue(body: string, name: string): number {
  const line = body.split('\n').find((text) => text.startsWith(`${name}{`) || text.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} not exposed`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  cluster = await startCluster({ nodes: 1, transactionCoordinators: 1 });
}, 60_000);

afterAll(async () => {
  for (const client of clients.splice(0)) client.close();
  await cluster?.close();
});

describe('the transaction coordinator without transactions', () => {
  it('hands out 2,500 distinct producer ids with epoch 0 to concurrent callers, across several blocks', async () => {
    const ids = await initMany(coordinatorClient(), 2_500);
    expect(new Set(ids).size).toBe(2_500);
    // Blocks are 1000 ids: 2,500 ids span at least three blocks.
    expect(new Set(ids.map((id) => Math.floor(id / 1000))).size).toBeGreaterThanOrEqual(3);
    for (const id of ids) issued.add(id);

    const { adminPort } = cluster.transactionCoordinator(1);
    const metrics = (await httpGet(adminPort, '/metrics')).body;
    expect(metricValue(metrics, 'samsa_transaction_producer_ids_issued_total')).toBe(2_500);
    const remaining = metricValue(metrics, 'samsa_transaction_producer_id_block_remaining');
    expect(remaining).toBeGreaterThanOrEqual(0);
    expect(remaining).toBeLessThan(1000);
  });

  it('gives a producer that re-initialises with its current id and epoch a fresh id with epoch 0', async () => {
    const [old] = issued;
    const response = await call(coordinatorClient(), 'initProducerId', fresh({ producerId: old, producerEpoch: 32_767 }));
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.producerEpoch).toBe(0);
    expect(issued.has(response.producerId)).toBe(false);
    issued.add(response.producerId);
  });

  it('answers UNIMPLEMENTED for a transactional id, and INVALID_ARGUMENT for malformed requests', async () => {
    const client = coordinatorClient();
    const transactional = await grpcError(call(client, 'initProducerId', fresh({ transactionalId: 'orders-txn', transactionTimeoutMs: 60_000 })));
    expect(transactional.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(transactional.details).toMatch(/transactions issue/);

    for (const fields of [{ transactionTimeoutMs: -1 }, { transactionalId: '' }, { producerId: -5, producerEpoch: 0 }]) {
      const malformed = await grpcError(call(client, 'initProducerId', fresh(fields)));
      expect(malformed.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(malformed.metadata.get('samsa-error-code')).toEqual([String(ErrorCode.INVALID_REQUEST)]);
    }
    const stillUnimplemented = await grpcError(call(client, 'endTxn', transaction.EndTxnRequest.fromPartial({ transactionalId: 'orders-txn' })));
    expect(stillUnimplemented.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  it("is listed by the storage node's Metadata as the owner of every transaction shard once assigned", async () => {
    const coordinator = cluster.transactionCoordinator(1);
    const node = new storage.StorageServiceClient(cluster.node(1).address, grpc.credentials.createInsecure());
    clients.push(node);
    const shards = await waitFor('transaction shards owned by txn-1 in Metadata', async () => {
      const metadata = await call(node, 'metadata', storage.MetadataRequest.fromPartial({}));
      const owned = metadata.transactionCoordinators;
      const ready = owned !== undefined && owned.shardCount === 3 && owned.shards.length === 3 && owned.shards.every((shard) => shard.coordinator?.port === coordinator.grpcPort);
      return ready ? owned.shards : undefined;
    });
    expect(shards.map((shard) => [shard.shard, shard.coordinator?.nodeId, shard.coordinator?.host])).toEqual([
      [0, 1, '127.0.0.1'],
      [1, 1, '127.0.0.1'],
      [2, 1, '127.0.0.1'],
    ]);
  });

  it('finds this coordinator for transactional ids, by shard = abs(javaStringHash(id)) % 3', async () => {
    const coordinator = cluster.transactionCoordinator(1);
    const client = coordinatorClient();
    // Hash codes from spec/kafka-facts.md §9.1: 97, −1906497762, 293427299, INT32_MIN.
    const keys = ['a', 'my-group', 'group-1', 'polygenelubricants'];
    const response = await waitFor('FindCoordinator answering every key', async () => {
      const answer = await call(client, 'findCoordinator', transaction.FindCoordinatorRequest.fromPartial({ keys }));
      return answer.coordinators.every((result) => result.errorCode === ErrorCode.NONE) ? answer : undefined;
    });
    expect(response.coordinators.map((result) => [result.key, result.shardIndex])).toEqual([
      ['a', 1],
      ['my-group', 0],
      ['group-1', 2],
      ['polygenelubricants', 0],
    ]);
    for (const result of response.coordinators) expect(result.coordinator).toMatchObject({ nodeId: 1, host: '127.0.0.1', port: coordinator.grpcPort });

    const empty = await call(client, 'findCoordinator', transaction.FindCoordinatorRequest.fromPartial({ keys: [''] }));
    expect(empty.coordinators[0]?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('never hands out an earlier id again after the coordinator is killed (-9) and restarted', async () => {
    const before = cluster.transactionCoordinator(1).incarnation;
    expect((await cluster.kill('txn-1')).signal).toBe('SIGKILL');
    await cluster.restart('txn-1');
    expect(cluster.transactionCoordinator(1).incarnation).toBe(before + 1);

    const ids = await initMany(coordinatorClient(), 1_200);
    expect(new Set(ids).size).toBe(1_200);
    expect(ids.filter((id) => issued.has(id))).toEqual([]);
    // The controller hands out blocks in increasing order and never again: the new process starts past every old id.
    expect(Math.min(...ids)).toBeGreaterThan(Math.max(...issued));
    for (const id of ids) issued.add(id);
  }, 60_000);

  it('leaves the cluster on SIGTERM (the controller releases it at once) and serves fresh ids after a restart', async () => {
    const previous = cluster.transactionCoordinator(1).service;
    await cluster.restart('txn-1');
    expect(await previous.exited).toEqual({ code: 0, signal: null });
    await outputRead(previous.child);
    expect(previous.logs.find((line) => line.msg === 'left the cluster')).toMatchObject({ shouldShutdown: true, errorCode: ErrorCode.NONE });

    const ids = await initMany(coordinatorClient(), 10);
    expect(ids.filter((id) => issued.has(id))).toEqual([]);
  }, 60_000);
});
