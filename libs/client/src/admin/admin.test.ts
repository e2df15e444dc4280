import { ErrorCode } from '@samsa/proto';
import { describe, expect, it } from 'vitest';
import { Admin, resolveAdminOptions } from './admin.js';
import type { AdminOptions } from './admin-types.js';

describe('Admin options', () => {
  it('applies the defaults', () => {
    const config = resolveAdminOptions({ bootstrapServers: '127.0.0.1:1, 127.0.0.1:2' });
    expect(config).toMatchObject({ bootstrapServers: ['127.0.0.1:1', '127.0.0.1:2'], clientId: 'samsa-client', requestTimeoutMs: 30_000, retryBackoffMs: 100 });
  });

  it('names every bad or unknown option in one INVALID_CONFIG error', () => {
    const input = { bootstrapServers: [], requestTimeoutMs: -1, acks: 'all', logger: 'yes' } as unknown as AdminOptions;
    expect(() => new Admin(input)).toThrow(
      expect.objectContaining({
        code: ErrorCode.INVALID_CONFIG,
        message: expect.stringMatching(/^invalid Admin options: bootstrapServers must be .*; unknown option acks; requestTimeoutMs must be .*; logger must be a Logger/),
      }),
    );
  });
});

describe('Admin.close', () => {
  it('fails every later call with a clear error, without touching the network', async () => {
    const admin = new Admin({ bootstrapServers: ['127.0.0.1:1'] });
    await admin.close();
    await admin.close();
    await expect(admin.listTopics()).rejects.toMatchObject({ code: ErrorCode.UNKNOWN_SERVER_ERROR, message: 'the admin client was closed', retriable: false });
    await expect(admin.createTopics([{ topic: 'x' }])).rejects.toThrow('the admin client was closed');
  });
});
