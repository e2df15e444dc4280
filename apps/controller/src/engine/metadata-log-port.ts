/**
 * MetadataLogPort: where the controller keeps the metadata log (DESIGN §3). The engine declares
 * it; adapters/metadata-log-store.ts implements it over the metadata store (embedded or etcd).
 *
 * Every append is one atomic compare-and-set: it succeeds only if the log still ends at
 * `expectedVersion` and this controller still holds its leadership term, so a deposed controller
 * can never write (its append rejects with NotControllerError).
 */
import { ErrorCode, type controller } from '@samsa/proto';
import { SamsaError } from '@samsa/common';

export interface LoadedMetadataLog {
  /** The newest snapshot, if one was written. */
  snapshot: controller.MetadataSnapshot | undefined;
  /** Records after the snapshot (or from version 1), in version order. */
  records: controller.MetadataRecord[];
}

export interface MetadataLogPort {
  load(): Promise<LoadedMetadataLog>;
  /** Appends stamped records (versions expectedVersion + 1, …) atomically and fenced. */
  append(records: readonly controller.MetadataRecord[], expectedVersion: number): Promise<void>;
  /** Stores `snapshot` and drops the records it covers (fenced). */
  writeSnapshot(snapshot: controller.MetadataSnapshot): Promise<void>;
}

/** This controller is not (or no longer) the active one. */
export class NotControllerError extends SamsaError {
  /** host:port of the active controller, when known (sent to clients as a trailer). */
  readonly activeController: string | undefined;

  constructor(message: string, activeController?: string) {
    super(ErrorCode.NOT_CONTROLLER, message);
    this.name = 'NotControllerError';
    this.activeController = activeController;
  }
}
