/**
 * Proves the architecture rules in eslint.config.mjs are enforced, not merely declared: each
 * forbidden import below fails lint, and the same file with an allowed import passes (so a broken
 * lint setup cannot pass this test by reporting nothing). Files are linted in memory at paths
 * inside real projects; nothing is written to the tree.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const workspaceRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const eslint = new ESLint({ cwd: workspaceRoot });

async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${workspaceRoot}${path}` });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('module boundaries', () => {
  it('lets an app import libraries below it', async () => {
    expect(await violations('apps/controller/src/boundary-probe.ts', "export { SamsaError } from '@samsa/common';\n")).toEqual([]);
  });

  it('fails lint when an app imports another app', async () => {
    const found = await violations('apps/controller/src/boundary-probe.ts', "export * from '@samsa/storage-node';\n");
    expect(found.some((line) => line.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('fails lint when domain code imports gRPC or reads the wall clock', async () => {
    const found = await violations(
      'apps/controller/src/domain/boundary-probe.ts',
      "import * as grpc from '@grpc/grpc-js';\nexport const now = Date.now();\nexport const status = grpc.status.OK;\n",
    );
    expect(found.filter((line) => line.startsWith('no-restricted-imports'))).toHaveLength(1);
    expect(found.filter((line) => line.startsWith('no-restricted-properties'))).toHaveLength(1);
  });

  it('fails lint when a shared library depends on a server-side library', async () => {
    const found = await violations('libs/common/src/boundary-probe.ts', "export { startService } from '@samsa/service-kit';\n");
    expect(found.some((line) => line.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('fails lint when a utility library imports gRPC', async () => {
    const found = await violations('libs/common/src/boundary-probe.ts', "export { status } from '@grpc/grpc-js';\n");
    expect(found.some((line) => line.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('fails lint when production code imports the test harness', async () => {
    const found = await violations('apps/controller/src/boundary-probe.ts', "export { spawnService } from '@samsa/testing';\n");
    expect(found.some((line) => line.startsWith('no-restricted-imports'))).toBe(true);
  });
});
