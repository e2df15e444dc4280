import { describe, expect, it } from 'vitest';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { compare, operation } from '../operations.js';
import type { Change, JournalEntry } from './records.js';
import { INITIAL_REVISION, StoreState } from './store-state.js';

/** A test context that commits like the store does: plan, build the entry, apply. */
class StateContext {
  readonly state: StoreState;
  private seq = 0;

  constructor(historyRevisions = 100) {
    this.state = new StoreState(historyRevisions);
  }

  commit(changes: Change[], extra: Pick<JournalEntry, 'grant' | 'revoke'> = {}) {
    const entry = { seq: ++this.seq, revision: this.state.revision + (changes.length > 0 ? 1 : 0), changes, ...extra };
    return this.state.apply(entry);
  }

  put(key: string, value: string, lease?: string) {
    return this.commit(this.state.plan([operation.put(key, Buffer.from(value), lease === undefined ? {} : { lease })]));
  }
}

describe('StoreState', () => {
  it('starts empty at the initial revision', () => {
    const { state } = new StateContext();
    expect(state.revision).toBe(INITIAL_REVISION);
    expect(state.range('').kvs).toEqual([]);
  });

  it('derives createRevision, modRevision and version from replayed changes', () => {
    const context = new StateContext();
    context.put('k', 'a');
    context.put('k', 'b');
    context.commit(context.state.plan([operation.delete('k')]));
    const events = context.put('k', 'c');
    expect(events[0]?.kv).toMatchObject({ createRevision: 5, modRevision: 5, version: 1 });
  });

  it('plans nothing for deletes of missing keys and each key once for overlapping deletes', () => {
    const context = new StateContext();
    context.put('p/a', '1');
    context.put('p/b', '2');
    expect(context.state.plan([operation.delete('missing')])).toEqual([]);
    expect(context.state.plan([operation.deletePrefix('p/'), operation.delete('p/a')])).toEqual([
      { type: 'delete', key: 'p/a' },
      { type: 'delete', key: 'p/b' },
    ]);
  });

  it('evaluates compares against missing keys as etcd does', () => {
    const { state } = new StateContext();
    expect(state.evaluate([compare.absent('x'), compare.version('x', '==', 0), compare.createRevision('x', '<', 1)])).toBe(true);
    expect(state.evaluate([compare.value('x', '!=', Buffer.from('y'))])).toBe(false);
  });

  it('tracks lease membership through puts, re-puts without the lease and revocation', () => {
    const context = new StateContext();
    context.commit([], { grant: { id: '1', ttlMs: 100 } });
    context.put('a', '1', '1');
    context.put('b', '1', '1');
    context.put('b', '2'); // detached from the lease
    expect(context.state.planRevoke('1')).toEqual([{ type: 'delete', key: 'a' }]);
    context.commit(context.state.planRevoke('1'), { revoke: { id: '1', reason: 'revoked' } });
    expect(context.state.hasLease('1')).toBe(false);
    expect(context.state.range('').kvs.map((kv) => kv.key)).toEqual(['b']);
    expect(() => context.state.plan([operation.put('c', Buffer.from('x'), { lease: '1' })])).toThrow(/lease 1/);
    expect(context.state.nextLeaseId).toBe('2');
  });

  it('refuses an entry whose revision does not follow', () => {
    const { state } = new StateContext();
    expect(() => state.apply({ seq: 1, revision: 5, changes: [{ type: 'delete', key: 'x' }] })).toThrow(/claims revision 5/);
  });

  it('serves history from the compaction revision on, and refuses older starts', () => {
    const context = new StateContext();
    for (const value of ['1', '2', '3', '4']) context.put('k', value);
    context.state.compact(4);
    expect(context.state.batchesFrom(4).map((batch) => batch.revision)).toEqual([4, 5]);
    try {
      context.state.batchesFrom(3);
      expect.unreachable();
    } catch (error) {
      expect(isMetadataStoreError(error, MetadataStoreErrorCode.COMPACTED)).toBe(true);
      expect((error as { compactRevision?: number }).compactRevision).toBe(4);
    }
    expect(() => context.state.compact(99)).toThrow(/current revision is 5/);
  });

  it('rebuilds the same state from its own snapshot', () => {
    const context = new StateContext();
    context.commit([], { grant: { id: '7', ttlMs: 100 } });
    context.put('a', '1', '7');
    context.put('b', '2');
    const copy = StoreState.fromSnapshot(context.state.toSnapshot(), 10);
    expect(copy.range('')).toEqual(context.state.range(''));
    expect(copy.planRevoke('7')).toEqual([{ type: 'delete', key: 'a' }]);
    expect(copy.nextLeaseId).toBe('8');
    expect(copy.compactRevision).toBe(context.state.revision + 1);
  });
});
