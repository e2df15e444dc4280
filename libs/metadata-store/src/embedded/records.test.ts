import { describe, expect, it } from 'vitest';
import { decodeEntry, decodeSnapshot, encodeEntry, encodeSnapshot, type JournalEntry, type Snapshot } from './records.js';

describe('journal records', () => {
  it('encodes an entry as compact JSON with base64 values (golden)', () => {
    const entry: JournalEntry = {
      seq: 7,
      revision: 12,
      changes: [
        { type: 'put', key: 'a', value: Buffer.from('hi'), lease: '3' },
        { type: 'delete', key: 'b' },
      ],
      revoke: { id: '2', reason: 'expired' },
    };
    const text = encodeEntry(entry).toString('utf8');
    expect(text).toBe('{"s":7,"r":12,"c":[{"t":"p","k":"a","v":"aGk=","l":"3"},{"t":"d","k":"b"}],"x":{"id":"2","reason":"expired"}}');
    expect(decodeEntry(Buffer.from(text))).toEqual(entry);
  });

  it('round-trips a lease grant and a put without a lease', () => {
    const entry: JournalEntry = { seq: 1, revision: 1, changes: [{ type: 'put', key: 'k', value: Buffer.alloc(0) }], grant: { id: '1', ttlMs: 500 } };
    expect(decodeEntry(encodeEntry(entry))).toEqual(entry);
  });

  it('round-trips a snapshot, binary values included', () => {
    const snapshot: Snapshot = {
      lastSeq: 9,
      revision: 5,
      nextLeaseId: 4,
      leases: [{ id: '3', ttlMs: 1_000 }],
      kvs: [
        { key: 'x', value: Buffer.from([0, 255, 10]), createRevision: 2, modRevision: 5, version: 3, lease: '3' },
        { key: 'y', value: Buffer.from('plain'), createRevision: 4, modRevision: 4, version: 1, lease: undefined },
      ],
    };
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot);
  });

  it('refuses a snapshot of an unknown format', () => {
    expect(() => decodeSnapshot(Buffer.from('{"format":99}'))).toThrow(/format 99/);
  });
});
