/**
 * Model-based property test of the embedded store: random transactions (puts, deletes,
 * delete-prefixes, compare-and-sets), snapshots and reopens, checked against a plain in-memory
 * model after every step — so live commits, journal replay and snapshot loading must all agree.
 */
import { ManualClock } from '@samsa/common';
import { makeTempDir } from '@samsa/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmbeddedMetadataStore } from '../embedded/embedded-metadata-store.js';
import type { KeyValue } from '../metadata-store.js';
import { compare, compareKeys, operation } from '../operations.js';

type Step =
  | { kind: 'put'; key: string; value: string }
  | { kind: 'delete'; key: string }
  | { kind: 'deletePrefix'; prefix: string }
  | { kind: 'casVersion'; key: string; version: number; value: string }
  | { kind: 'snapshot' }
  | { kind: 'reopen' };

const key = fc.constantFrom('a', 'a/1', 'a/2', 'b', 'b/1', 'c');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('put' as const), key, value: fc.string({ maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deletePrefix' as const), prefix: fc.constantFrom('a/', 'b', '') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('casVersion' as const), key, version: fc.nat(3), value: fc.string({ maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

class Model {
  readonly kvs = new Map<string, KeyValue>();
  revision = 1;

  write(changes: Array<{ key: string; value?: string }>): void {
    const effective = changes.filter((change) => change.value !== undefined || this.kvs.has(change.key));
    if (effective.length === 0) return;
    this.revision++;
    for (const change of effective) {
      const previous = this.kvs.get(change.key);
      if (change.value === undefined) this.kvs.delete(change.key);
      else {
        this.kvs.set(change.key, {
          key: change.key,
          value: Buffer.from(change.value),
          createRevision: previous?.createRevision ?? this.revision,
          modRevision: this.revision,
          version: (previous?.version ?? 0) + 1,
          lease: undefined,
        });
      }
    }
  }

  sorted(): KeyValue[] {
    return [...this.kvs.values()].sort((a, b) => compareKeys(a.key, b.key));
  }
}

describe('EmbeddedMetadataStore against a model', () => {
  it('agrees with the model after every step, across snapshots and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const dir = await makeTempDir('samsa-meta-model-');
        const open = () => EmbeddedMetadataStore.open({ dir: dir.path, clock: new ManualClock(), snapshotThresholdBytes: 512 });
        let store = await open();
        const model = new Model();
        try {
          for (const current of steps) {
            if (current.kind === 'put') {
              await store.txn({ success: [operation.put(current.key, Buffer.from(current.value))] });
              model.write([{ key: current.key, value: current.value }]);
            } else if (current.kind === 'delete') {
              await store.txn({ success: [operation.delete(current.key)] });
              model.write([{ key: current.key }]);
            } else if (current.kind === 'deletePrefix') {
              await store.txn({ success: [operation.deletePrefix(current.prefix)] });
              model.write(model.sorted().filter((kv) => kv.key.startsWith(current.prefix)).map((kv) => ({ key: kv.key })));
            } else if (current.kind === 'casVersion') {
              const result = await store.txn({ compare: [compare.version(current.key, '==', current.version)], success: [operation.put(current.key, Buffer.from(current.value))] });
              const holds = (model.kvs.get(current.key)?.version ?? 0) === current.version;
              expect(result.succeeded).toBe(holds);
              if (holds) model.write([{ key: current.key, value: current.value }]);
            } else if (current.kind === 'snapshot') {
              await store.snapshot();
            } else {
              await store.close();
              store = await open();
            }
            const { kvs, revision } = await store.range('');
            expect(revision).toBe(model.revision);
            expect(kvs).toEqual(model.sorted());
          }
        } finally {
          await store.close();
          await dir.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  });
});
