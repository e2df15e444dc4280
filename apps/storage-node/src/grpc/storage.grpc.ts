/**
 * Transport for samsa.storage.v1.StorageService: decode, call the domain, encode. Record data
 * stays opaque bytes end to end. ProduceStream answers each tagged request on the same stream as
 * soon as it completes (acks=0 requests get no answer); FetchStream pushes batches as they arrive.
 */
import type { Logger } from '@samsa/common';
import { storage, type NodeEndpoint } from '@samsa/proto';
import type { Counter } from 'prom-client';
import { bindService, type ServiceBinding } from '@samsa/service-kit';
import { fetch, type FetchContext } from '../domain/fetch.js';
import { runFetchStream } from '../domain/fetch-stream.js';
import { fetchStreamSink } from './fetch-stream-sink.js';
import type { MetadataImage } from '@samsa/cluster-metadata';
import { metadataResponse } from '../domain/metadata-view.js';
import { deleteRecords, listOffsets, offsetsForLeaderEpoch } from '../domain/offsets.js';
import { produce } from '../domain/produce.js';
import { serveProduceStream, type ProduceStreamLimits } from '../domain/produce-stream.js';
import { recordBytes } from '../domain/per-partition.js';
import { storageNodeErrorStatus } from './error-status.js';
import { describeLogDirs } from '../domain/log-dirs.js';
import { writeTxnMarkers } from '../domain/txn-markers.js';

export interface StorageTransportDeps extends FetchContext {
  image(): MetadataImage;
  dataDir: string;
  /** Where the controller serves, for clients' admin calls (Metadata's `controller`). */
  controllerEndpoint: NodeEndpoint | undefined;
  metrics: { bytesIn: Counter; bytesOut: Counter };
  /** Aborted when the node shuts down: long polls and fetch streams end instead of holding the shutdown. */
  stopping: AbortSignal;
  /** Back-pressure of ProduceStream (queued.max.requests, queued.max.request.bytes). */
  produceStreamLimits: ProduceStreamLimits;
}

const appendedBytes = (request: storage.ProduceRequest, topics: storage.ProduceTopicResult[]) =>
  topics.reduce(
    (sum, topic, t) => sum + topic.partitions.reduce((bytes, result, p) => bytes + (result.errorCode === 0 ? (request.topics[t]?.partitions[p]?.records.length ?? 0) : 0), 0),
    0,
  );

/** `host:port` as an endpoint (node id -1: the controller is not a storage node). */
export function endpointOf(address: string): NodeEndpoint | undefined {
  const match = /^(.+):(\d+)$/.exec(address);
  return match ? { nodeId: -1, host: match[1] as string, port: Number(match[2]), rack: '' } : undefined;
}

export function storageServiceBinding(deps: StorageTransportDeps, logger: Logger): ServiceBinding {
  return bindService(
    storage.StorageServiceFastDefinition,
    {
      produce: async (request) => {
        const topics = await produce(request, deps);
        deps.metrics.bytesIn.inc(appendedBytes(request, topics));
        return { topics };
      },
      produceStream: (call) =>
        serveProduceStream(
          call as AsyncIterable<storage.ProduceStreamRequest>,
          async (request) => {
            const topics = await produce(request, deps);
            deps.metrics.bytesIn.inc(appendedBytes(request, topics));
            if (request.acks !== 0) call.write({ requestId: request.requestId, topics });
          },
          deps.produceStreamLimits,
        ),
      fetch: (request, context) =>
        fetch(
          request,
          deps,
          (topics) => {
            deps.metrics.bytesOut.inc(recordBytes(topics));
            // Encoded now, copying the records out of the read buffers the node reuses next.
            return storage.encodeFetchResponse({ topics }) as unknown as storage.FetchResponse;
          },
          AbortSignal.any([context.signal, deps.stopping]),
        ),
      fetchStream: async (request, call, context) => {
        const signal = AbortSignal.any([context.signal, deps.stopping]);
        const sink = fetchStreamSink(call, signal);
        const write = (response: storage.FetchStreamResponse) => {
          deps.metrics.bytesOut.inc(recordBytes(response.topics));
          return sink.write(response);
        };
        await runFetchStream(request, deps, { write, drained: () => sink.drained() }, signal);
      },
      listOffsets: async (request) => ({ topics: await listOffsets(request, deps) }),
      offsetsForLeaderEpoch: async (request) => ({ topics: await offsetsForLeaderEpoch(request, deps) }),
      metadata: async (request) => metadataResponse(deps.image(), request, deps.controllerEndpoint),
      deleteRecords: async (request) => ({ topics: await deleteRecords(request, deps) }),
      writeTxnMarkers: async (request) => writeTxnMarkers(request, deps),
      describeLogDirs: async (request) => describeLogDirs(request, deps, deps.dataDir),
    },
    storageNodeErrorStatus,
    logger.child({ component: 'StorageService' }),
  );
}
