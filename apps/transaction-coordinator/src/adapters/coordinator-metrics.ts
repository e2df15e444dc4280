/**
 * The transaction coordinator's own metrics (beside the per-RPC rates and latencies service-kit
 * records): producer ids handed out, and ids left in the current block — a gauge read at scrape
 * time, so a block running low (and the prefetch that should follow) shows on a dashboard.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface CoordinatorMetrics {
  producerIdsIssued: Counter;
}

export function createCoordinatorMetrics(registry: Registry, blocks: { readonly remaining: number }): CoordinatorMetrics {
  const producerIdsIssued = new Counter({
    name: 'samsa_transaction_producer_ids_issued_total',
    help: 'Producer ids handed out by InitProducerId',
    registers: [registry],
  });
  new Gauge({
    name: 'samsa_transaction_producer_id_block_remaining',
    help: 'Producer ids left in the current block from the controller',
    registers: [registry],
    collect() {
      this.set(blocks.remaining);
    },
  });
  return { producerIdsIssued };
}
