/**
 * @samsa/metadata-store: the controller's metadata store — one interface (get/range,
 * compare-and-set transactions, watches, leases, leader election) with two implementations:
 * the embedded journal store for a single machine and etcd for clusters.
 */
export type {
  MetadataStore,
  KeyValue,
  LeaseId,
  GetResult,
  RangeResult,
  RangeOptions,
  Compare,
  CompareOperator,
  Operation,
  Transaction,
  TransactionResult,
  WatchEvent,
  WatchOptions,
  Watch,
  Lease,
  LeaseOptions,
  LeaseLossReason,
  ElectionLeader,
  ElectionObserver,
  Leadership,
  LeadershipLossReason,
  CampaignOptions,
} from './metadata-store.js';
export { MetadataStoreError, MetadataStoreErrorCode, isMetadataStoreError, type MetadataStoreErrorOptions } from './metadata-store-error.js';
export { compare, operation, compareKeys } from './operations.js';
export { DEFAULT_CAMPAIGN_TTL_MS } from './election.js';
export { EmbeddedMetadataStore, openEmbeddedMetadataStore, type EmbeddedMetadataStoreOptions } from './embedded/embedded-metadata-store.js';
export { EtcdMetadataStore, connectEtcdMetadataStore, type EtcdMetadataStoreOptions } from './etcd/etcd-metadata-store.js';
