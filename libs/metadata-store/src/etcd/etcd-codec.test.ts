import { EtcdLeaseInvalidError, GRPCOutOfRangeError, GRPCUnavailableError } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { isMetadataStoreError, MetadataStoreErrorCode } from '../metadata-store-error.js';
import { compare, operation } from '../operations.js';
import { KeyCodec, mapEtcdError, toNumber } from './etcd-codec.js';

describe('KeyCodec', () => {
  const keys = new KeyCodec('ns/');

  it('maps compares onto etcd targets and results', () => {
    expect(keys.compare(compare.absent('k'))).toEqual({ key: Buffer.from('ns/k'), target: 'Version', result: 'Equal', version: 0 });
    expect(keys.compare(compare.modRevision('k', '<', 7))).toEqual({ key: Buffer.from('ns/k'), target: 'Mod', result: 'Less', mod_revision: 7 });
    expect(keys.compare(compare.createRevision('k', '!=', 3))).toMatchObject({ target: 'Create', result: 'NotEqual', create_revision: 3 });
    expect(keys.compare(compare.value('k', '>', Buffer.from('v')))).toMatchObject({ target: 'Value', result: 'Greater', value: Buffer.from('v') });
  });

  it('maps operations, a delete-prefix to a key range, a lease only when given', () => {
    expect(keys.operation(operation.put('k', Buffer.from('v')))).toEqual({ request_put: { key: Buffer.from('ns/k'), value: Buffer.from('v') } });
    expect(keys.operation(operation.put('k', Buffer.from('v'), { lease: '9' })).request_put?.lease).toBe('9');
    expect(keys.operation(operation.deletePrefix('p/'))).toEqual({ request_delete_range: { key: Buffer.from('ns/p/'), range_end: Buffer.from('ns/p0') } });
  });

  it('ranges the whole namespace for an empty prefix, and the whole keyspace without one', () => {
    expect(keys.prefixRange('')).toEqual({ key: Buffer.from('ns/'), range_end: Buffer.from('ns0') });
    expect(new KeyCodec('').prefixRange('')).toEqual({ key: Buffer.from([0]), range_end: Buffer.from([0]) });
  });

  it('strips the namespace and decodes int64 strings', () => {
    const kv = keys.keyValue({ key: Buffer.from('ns/k'), value: Buffer.from('v'), create_revision: '2', mod_revision: '3', version: '2', lease: '0' });
    expect(kv).toEqual({ key: 'k', value: Buffer.from('v'), createRevision: 2, modRevision: 3, version: 2, lease: undefined });
    expect(() => toNumber('9007199254740993')).toThrow(/safe integer/);
  });
});

describe('mapEtcdError', () => {
  it.each([
    [new EtcdLeaseInvalidError('x'), MetadataStoreErrorCode.LEASE_NOT_FOUND],
    [new GRPCOutOfRangeError('etcdserver: mvcc: required revision has been compacted'), MetadataStoreErrorCode.COMPACTED],
    [new GRPCOutOfRangeError('etcdserver: mvcc: required revision is a future revision'), MetadataStoreErrorCode.INVALID_ARGUMENT],
    [new GRPCUnavailableError('no connection'), MetadataStoreErrorCode.UNAVAILABLE],
  ])('maps %s', (error, code) => {
    expect(isMetadataStoreError(mapEtcdError(error), code)).toBe(true);
  });

  it('passes other errors through', () => {
    const error = new Error('something else');
    expect(mapEtcdError(error)).toBe(error);
  });
});
