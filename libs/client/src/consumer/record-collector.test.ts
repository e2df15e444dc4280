import { hasErrorCode, SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { buildControlBatch, buildRecordBatch, ControlRecordType } from '@samsa/records';
import { describe, expect, it } from 'vitest';
import { CompletedFetch } from './completed-fetch.js';
import { FetchBuffer } from './fetch-buffer.js';
import { PartitionStates, type PartitionState } from './partition-states.js';
import { collectRecords, type CollectContext } from './record-collector.js';
import { partitionKey } from './types.js';

function push(partition: number, fetchOffset: number, values: string[], baseOffset = fetchOffset): CompletedFetch {
  const records = buildRecordBatch(values.map((value) => ({ value, timestamp: 1 })), { baseOffset });
  return new CompletedFetch({ topic: 't', partition, records, fetchOffset, readCommitted: false, checkCrcs: true });
}

class Harness {
  readonly states = new PartitionStates();
  readonly buffer = new FetchBuffer();
  readonly stale: number[] = [];
  readonly handled: SamsaError[] = [];
  rejectValue: string | undefined;

  constructor(partitions: number[], position = 0) {
    this.states.assign(partitions.map((partition) => ({ topic: 't', partition })));
    for (const state of this.states.all()) this.states.seek(state, position);
  }

  state(partition: number): PartitionState {
    return this.states.require({ topic: 't', partition });
  }

  add(partition: number, fetch: CompletedFetch): void {
    this.buffer.addRecords(partitionKey('t', partition), fetch);
  }

  collect(max: number): string[] {
    const context: CollectContext<string> = {
      states: this.states,
      buffer: this.buffer,
      convert: (state, record) => {
        const value = record.value?.toString() ?? '';
        if (value === this.rejectValue) throw new SamsaError(ErrorCode.INVALID_RECORD, `rejected ${value}`);
        return `${state.partition}:${record.offset}:${value}`;
      },
      onError: (state, error) => {
        this.handled.push(error);
        if (error.code !== ErrorCode.OFFSET_OUT_OF_RANGE) throw error;
        this.states.requestReset(state, 'earliest');
      },
      onStale: (state) => {
        this.stale.push(state.partition);
        this.buffer.drop(state.key);
      },
    };
    return collectRecords(context, max);
  }
}

describe('collectRecords', () => {
  it('returns one partition in offset order and advances its position past what was handed out', () => {
    const h = new Harness([0]);
    h.add(0, push(0, 0, ['a', 'b', 'c']));
    h.add(0, push(0, 3, ['d']));
    expect(h.collect(2)).toEqual(['0:0:a', '0:1:b']);
    expect(h.state(0).position).toBe(2);
    expect(h.collect(10)).toEqual(['0:2:c', '0:3:d']);
    expect(h.state(0).position).toBe(4);
    expect(h.buffer.totalBytes).toBe(0);
  });

  it('serves partitions round-robin across polls', () => {
    const h = new Harness([0, 1, 2]);
    for (const partition of [0, 1, 2]) h.add(partition, push(partition, 0, ['x', 'y']));
    expect(h.collect(1)).toEqual(['0:0:x']);
    expect(h.collect(1)).toEqual(['1:0:x']);
    expect(h.collect(1)).toEqual(['2:0:x']);
    expect(h.collect(3)).toEqual(['0:1:y', '1:1:y', '2:1:y']);
  });

  it('skips records below the position when a push starts at it inside an earlier batch', () => {
    const h = new Harness([0], 2);
    h.add(0, push(0, 2, ['a', 'b', 'c', 'd'], 0));
    expect(h.collect(10)).toEqual(['0:2:c', '0:3:d']);
  });

  it('moves the position past trailing control batches even when no record is handed out', () => {
    const h = new Harness([0]);
    const records = buildControlBatch({ type: ControlRecordType.COMMIT, coordinatorEpoch: 0, producerId: 1, producerEpoch: 0, timestampMs: 1 });
    h.add(0, new CompletedFetch({ topic: 't', partition: 0, records, fetchOffset: 0, readCommitted: false, checkCrcs: true }));
    expect(h.collect(10)).toEqual([]);
    expect(h.state(0).position).toBe(1);
    expect(h.buffer.hasData(partitionKey('t', 0))).toBe(false);
  });

  it('refetches when a push does not start at the position', () => {
    const h = new Harness([0], 5);
    h.add(0, push(0, 7, ['x']));
    expect(h.collect(10)).toEqual([]);
    expect(h.stale).toEqual([0]);
    expect(h.state(0).position).toBe(5);
  });

  it('hands out the records before an out-of-range error first, then lets the handler reset', () => {
    const h = new Harness([0]);
    h.add(0, push(0, 0, ['a']));
    h.buffer.addError(partitionKey('t', 0), new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, 'oor'));
    expect(h.collect(10)).toEqual(['0:0:a']);
    expect(h.handled).toEqual([]);
    expect(h.collect(10)).toEqual([]);
    expect(h.handled.map((error) => error.code)).toEqual([ErrorCode.OFFSET_OUT_OF_RANGE]);
    expect(h.state(0).position).toBeUndefined();
  });

  it('throws a partition error only when nothing else was collected in that call', () => {
    const h = new Harness([0, 1]);
    h.add(0, push(0, 0, ['a']));
    h.buffer.addError(partitionKey('t', 1), new SamsaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'denied'));
    expect(h.collect(10)).toEqual(['0:0:a']);
    let caught: unknown;
    try {
      h.collect(10);
    } catch (error) {
      caught = error;
    }
    expect(hasErrorCode(caught, ErrorCode.TOPIC_AUTHORIZATION_FAILED)).toBe(true);
  });

  it('stops at a record that cannot be deserialized, returning what came before, and fails on it once it is first', () => {
    const h = new Harness([0, 1]);
    h.add(0, push(0, 0, ['a', 'bad', 'c']));
    h.add(1, push(1, 0, ['z']));
    h.rejectValue = 'bad';
    expect(h.collect(10)).toEqual(['0:0:a']);
    expect(h.state(0).position).toBe(1);
    expect(h.collect(10)).toEqual(['1:0:z']);
    expect(() => h.collect(10)).toThrowError('rejected bad');
    expect(() => h.collect(10)).toThrowError('rejected bad');
    expect(h.state(0).position).toBe(1);
    h.states.seek(h.state(0), 2);
    h.buffer.drop(h.state(0).key);
    h.add(0, push(0, 2, ['a', 'bad', 'c'], 0));
    expect(h.collect(10)).toEqual(['0:2:c']);
  });

  it('drops buffered data of partitions that are paused or no longer assigned', () => {
    const h = new Harness([0, 1]);
    h.add(0, push(0, 0, ['a']));
    h.add(1, push(1, 0, ['b']));
    h.states.pause(h.state(0));
    h.states.assign([{ topic: 't', partition: 0 }]);
    expect(h.collect(10)).toEqual([]);
    expect(h.buffer.totalBytes).toBe(0);
  });
});
