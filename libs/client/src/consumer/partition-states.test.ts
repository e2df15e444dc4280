import { SamsaError } from '@samsa/common';
import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { PartitionStates } from './partition-states.js';
import { partitionKey } from './types.js';

const tp = (partition: number, topic = 't') => ({ topic, partition });

describe('PartitionStates', () => {
  it('starts partitions without a position, waiting for a reset', () => {
    const states = new PartitionStates();
    states.assign([tp(0), tp(1)]);
    expect(states.assignment()).toEqual([tp(0), tp(1)]);
    expect(states.needingReset(0).map((state) => state.partition)).toEqual([0, 1]);
    expect(states.isFetchable(states.require(tp(0)), 0)).toBe(false);
  });

  it('keeps the state of partitions that stay assigned and reports the removed ones', () => {
    const states = new PartitionStates();
    states.assign([tp(0), tp(1)]);
    states.seek(states.require(tp(1)), 42);
    const removed = states.assign([tp(1), tp(2)]);
    expect(removed).toEqual([partitionKey('t', 0)]);
    expect(states.require(tp(1)).position).toBe(42);
    expect(states.require(tp(2)).position).toBeUndefined();
    expect(() => states.require(tp(0))).toThrowError(/not assigned/);
  });

  it('gives every change that invalidates fetched data a version no state had before', () => {
    const states = new PartitionStates();
    states.assign([tp(0)]);
    const state = states.require(tp(0));
    const seen = new Set([state.version]);
    states.seek(state, 5);
    seen.add(state.version);
    expect(states.pause(state)).toBe(true);
    seen.add(state.version);
    expect(states.pause(state)).toBe(false);
    expect(states.resume(state)).toBe(true);
    seen.add(state.version);
    states.requestReset(state, 'earliest');
    seen.add(state.version);
    states.assign([]);
    states.assign([tp(0)]);
    seen.add(states.require(tp(0)).version);
    expect(seen.size).toBe(6);
  });

  it('applies a reset answer only under the version it was asked for', () => {
    const states = new PartitionStates();
    states.assign([tp(0)]);
    const state = states.require(tp(0));
    states.requestReset(state, 'latest');
    const askedUnder = state.version;
    states.seek(state, 7);
    expect(states.completeReset(state, askedUnder, 100)).toBe(false);
    expect(state.position).toBe(7);
    states.requestReset(state, 'earliest');
    expect(states.completeReset(state, state.version, 3)).toBe(true);
    expect(state).toMatchObject({ position: 3, resetStrategy: undefined });
  });

  it('reports a failure until the position moves, and does not fetch the partition meanwhile', () => {
    const states = new PartitionStates();
    states.assign([tp(0), tp(1)]);
    const state = states.require(tp(0));
    states.seek(state, 1);
    const error = new SamsaError(ErrorCode.OFFSET_OUT_OF_RANGE, 'out of range');
    states.fail(state, error);
    expect(states.firstError()).toBe(error);
    expect(states.isFetchable(state, 0)).toBe(false);
    expect(states.needingReset(0).map((s) => s.partition)).toEqual([1]);
    states.seek(state, 0);
    expect(states.firstError()).toBeUndefined();
    expect(states.isFetchable(state, 0)).toBe(true);
  });

  it('forgets the failure of an unassigned partition', () => {
    const states = new PartitionStates();
    states.assign([tp(0)]);
    states.fail(states.require(tp(0)), new SamsaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'x'));
    states.assign([tp(1)]);
    expect(states.firstError()).toBeUndefined();
  });

  it('holds a backing-off partition until its retry time', () => {
    const states = new PartitionStates();
    states.assign([tp(0)]);
    const state = states.require(tp(0));
    states.seek(state, 0);
    states.backOff(state, 1_000);
    expect(states.isFetchable(state, 999)).toBe(false);
    expect(states.nextRetryAtMs(500)).toBe(1_000);
    expect(states.isFetchable(state, 1_000)).toBe(true);
    expect(state.failures).toBe(1);
    states.succeeded(state);
    expect(state.failures).toBe(0);
  });

  it('does not fetch paused partitions', () => {
    const states = new PartitionStates();
    states.assign([tp(0)]);
    const state = states.require(tp(0));
    states.seek(state, 0);
    states.pause(state);
    expect(states.isFetchable(state, 0)).toBe(false);
    states.resume(state);
    expect(states.isFetchable(state, 0)).toBe(true);
  });
});
