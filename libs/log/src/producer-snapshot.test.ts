import { describe, expect, it } from 'vitest';
import { decodeProducerSnapshot, encodeProducerSnapshot } from './producer-snapshot.js';
import type { ProducerEntry } from './producer-state.js';

const entry: ProducerEntry = {
  producerId: 1000,
  epoch: 3,
  batches: [{ firstSeq: 10, lastSeq: 14, lastOffset: 120, offsetDelta: 4, timestamp: 1_700_000_000_123 }],
  coordinatorEpoch: 7,
  currentTxnFirstOffset: 116,
  lastTimestamp: 1_700_000_000_123,
};

describe('producer snapshot (spec §5.7)', () => {
  it('round-trips the last batch of every producer', () => {
    const bytes = encodeProducerSnapshot([entry]);
    expect(bytes.length).toBe(10 + 46);
    expect(bytes.readInt16BE(0)).toBe(1);
    expect(decodeProducerSnapshot(bytes)).toEqual([entry]);
  });

  it('refuses a damaged snapshot', () => {
    const bytes = encodeProducerSnapshot([entry]);
    bytes.writeUInt8(bytes.readUInt8(20) ^ 1, 20);
    expect(decodeProducerSnapshot(bytes)).toBeUndefined();
    expect(decodeProducerSnapshot(bytes.subarray(0, 30))).toBeUndefined();
  });
});
