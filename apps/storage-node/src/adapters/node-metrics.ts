/**
 * The storage node's own metrics (beside the per-RPC rates and latencies service-kit records):
 * bytes in and out, ISR shrinks and expands, follower truncations by how the divergence was found,
 * under-replicated partitions, and log end offset and high watermark per partition — the gauges
 * read at scrape time.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReplicaManager } from '../domain/replica-manager.js';
import type { TruncationSource } from './replica-fetcher.js';

const TRUNCATION_SOURCES: readonly TruncationSource[] = ['offsets_for_leader_epoch', 'diverging_epoch', 'high_watermark'];

export function createNodeMetrics(registry: Registry, replicas: () => ReplicaManager | undefined) {
  const bytesIn = new Counter({ name: 'samsa_storage_bytes_in_total', help: 'Record batch bytes appended by producers', registers: [registry] });
  const bytesOut = new Counter({ name: 'samsa_storage_bytes_out_total', help: 'Record batch bytes returned by fetches', registers: [registry] });
  const isrShrinks = new Counter({ name: 'samsa_storage_isr_shrinks_total', help: 'ISR shrinks this node proposed and the controller accepted', registers: [registry] });
  const isrExpands = new Counter({ name: 'samsa_storage_isr_expands_total', help: 'ISR expansions this node proposed and the controller accepted', registers: [registry] });
  const followerTruncations = new Counter({
    name: 'samsa_follower_truncations_total',
    help: 'Follower log truncations that removed records, by how the divergence was found (OffsetsForLeaderEpoch on a follower change, a Fetch divergingEpoch, or the high watermark for a log without leader epochs)',
    labelNames: ['source'],
    registers: [registry],
  });
  for (const source of TRUNCATION_SOURCES) followerTruncations.inc({ source }, 0);
  new Gauge({
    name: 'samsa_storage_under_replicated_partitions',
    help: 'Partitions this node leads whose ISR is smaller than their replica set',
    registers: [registry],
    collect() {
      this.set((replicas()?.all() ?? []).filter((p) => p.role === 'leader' && p.isr.length < p.partitionState.replicas.length).length);
    },
  });
  new Gauge({
    name: 'samsa_storage_log_end_offset',
    help: 'Log end offset per hosted partition',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of replicas()?.all() ?? []) this.set({ topic: p.topic, partition: String(p.index) }, p.log.logEndOffset);
    },
  });
  new Gauge({
    name: 'samsa_storage_high_watermark',
    help: 'High watermark per hosted partition',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of replicas()?.all() ?? []) this.set({ topic: p.topic, partition: String(p.index) }, p.highWatermark);
    },
  });
  return { bytesIn, bytesOut, isrShrinks, isrExpands, followerTruncations: (source: TruncationSource) => followerTruncations.inc({ source }) };
}
