/**
 * The metadata log over a MetadataStore (embedded journal or etcd). Layout under `prefix`:
 *
 *   <prefix>version                the version of the last record (decimal text); absent = 0
 *   <prefix>log/<20-digit version> one append: a MetadataRecordBatch (protobuf) whose last record
 *                                  has that version (one key per append keeps every transaction
 *                                  within etcd's limit on operations per transaction)
 *   <prefix>snapshot               the newest MetadataSnapshot (protobuf); records ≤ its version
 *                                  are deleted when it is written
 *
 * Appends compare the version key (value, or absence at 0) AND the leadership fence in the same
 * transaction: a controller that lost its term, or raced another, writes nothing.
 */
import { controller } from '@samsa/proto';
import { compare, operation, type Leadership, type MetadataStore } from '@samsa/metadata-store';
import { NotControllerError, type LoadedMetadataLog, type MetadataLogPort } from '../engine/metadata-log-port.js';

/** etcd allows 128 operations per transaction by default. */
const DELETES_PER_TRANSACTION = 100;

export class MetadataLogStore implements MetadataLogPort {
  constructor(
    private readonly store: MetadataStore,
    private readonly leadership: Leadership,
    private readonly prefix = '/samsa/metadata/',
  ) {}

  private get versionKey(): string {
    return `${this.prefix}version`;
  }

  private recordKey(version: number): string {
    return `${this.prefix}log/${String(version).padStart(20, '0')}`;
  }

  async load(): Promise<LoadedMetadataLog> {
    const [snapshotKv, log] = await Promise.all([this.store.get(`${this.prefix}snapshot`), this.store.range(`${this.prefix}log/`)]);
    const snapshot = snapshotKv.kv ? controller.MetadataSnapshot.decode(snapshotKv.kv.value) : undefined;
    const after = snapshot?.version ?? 0;
    const records = log.kvs.flatMap((kv) => controller.MetadataRecordBatch.decode(kv.value).records).filter((record) => record.version > after);
    records.forEach((record, i) => {
      if (record.version !== after + i + 1) throw new Error(`metadata log has a gap: expected version ${after + i + 1}, found ${record.version}`);
    });
    return { snapshot, records };
  }

  async append(records: readonly controller.MetadataRecord[], expectedVersion: number): Promise<void> {
    if (records.length === 0) return;
    const last = records.at(-1) as controller.MetadataRecord;
    const result = await this.store.txn({
      compare: [this.versionCompare(expectedVersion), this.leadership.fence()],
      success: [
        operation.put(this.recordKey(last.version), Buffer.from(controller.MetadataRecordBatch.encode({ records: [...records] }).finish())),
        operation.put(this.versionKey, Buffer.from(String(last.version))),
      ],
    });
    if (!result.succeeded) throw new NotControllerError(`metadata append at version ${expectedVersion} was fenced: another controller is active`);
  }

  async writeSnapshot(snapshot: controller.MetadataSnapshot): Promise<void> {
    const written = await this.store.txn({
      compare: [this.leadership.fence()],
      success: [operation.put(`${this.prefix}snapshot`, Buffer.from(controller.MetadataSnapshot.encode(snapshot).finish()))],
    });
    if (!written.succeeded) throw new NotControllerError('metadata snapshot was fenced: another controller is active');
    // Appends the snapshot covers are now redundant; drop them in transactions of bounded size.
    const covered = (await this.store.range(`${this.prefix}log/`)).kvs.filter((kv) => Number(kv.key.slice(kv.key.lastIndexOf('/') + 1)) <= snapshot.version);
    for (let i = 0; i < covered.length; i += DELETES_PER_TRANSACTION) {
      const chunk = covered.slice(i, i + DELETES_PER_TRANSACTION).map((kv) => operation.delete(kv.key));
      const deleted = await this.store.txn({ compare: [this.leadership.fence()], success: chunk });
      if (!deleted.succeeded) throw new NotControllerError('metadata log truncation was fenced: another controller is active');
    }
  }

  private versionCompare(expectedVersion: number) {
    return expectedVersion === 0 ? compare.absent(this.versionKey) : compare.value(this.versionKey, '==', Buffer.from(String(expectedVersion)));
  }
}
