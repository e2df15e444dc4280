/**
 * Crash safety of the embedded store: a child process commits transactions and prints each key
 * the store acknowledged; the test SIGKILLs it mid-stream, reopens the directory and requires
 * every acknowledged key to be there (the journal's torn tail, if any, is trimmed).
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { makeTempDir, spawnService } from '@samsa/testing';
import { describe, expect, it } from 'vitest';
import { EmbeddedMetadataStore } from '../embedded/embedded-metadata-store.js';

const fixture = fileURLToPath(new URL('./fixtures/commit-writer.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

describe('EmbeddedMetadataStore under kill -9', () => {
  it('keeps every acknowledged transaction when the writer is SIGKILLed mid-stream', async () => {
    const dir = await makeTempDir('samsa-meta-crash-');
    try {
      const child = spawnService(fixture, [dir.path], { env: { NODE_OPTIONS: `--import=${tsx}` }, timeoutMs: 20_000 });
      await child.ready;
      await child.waitForLog((line) => line.msg === 'ACK' && line.key === 'acked/000150');
      const exit = await child.stop('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      // 'exit' can come before the last piped lines are read; wait for the end of stdout.
      const stdout = child.child.stdout;
      if (stdout && !stdout.readableEnded) await once(stdout, 'end');
      const acknowledged = child.logs.filter((line) => line.msg === 'ACK').map((line) => String(line.key));
      expect(acknowledged.length).toBeGreaterThanOrEqual(151);

      const store = await EmbeddedMetadataStore.open({ dir: dir.path });
      try {
        const { kvs } = await store.range('acked/');
        const present = new Set(kvs.map((kv) => kv.key));
        const lost = acknowledged.filter((key) => !present.has(key));
        expect(lost).toEqual([]);
        // At most the one transaction in flight at the kill may be there unacknowledged.
        expect(kvs.length - acknowledged.length).toBeLessThanOrEqual(1);
        expect((await store.range('leased/')).kvs).toHaveLength(kvs.length);
      } finally {
        await store.close();
      }
    } finally {
      await dir.cleanup();
    }
  });
});
