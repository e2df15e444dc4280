import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@samsa/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { booleanKey, enumKey, intKey, listKey, stringKey } from './config-keys.js';
import { ConfigError, describeConfig, envName, flagName, parseConfig } from './parse-config.js';

const schema = {
  grpcPort: intKey({ doc: 'port', default: 9092, min: 0, max: 65535 }),
  dataDir: stringKey({ doc: 'data', nonEmpty: true }),
  flushEnabled: booleanKey({ doc: 'flush', default: false }),
  cleanupPolicy: enumKey(['delete', 'compact'], { doc: 'policy', default: 'delete' }),
  etcdEndpoints: listKey({ doc: 'endpoints', default: [] }),
};

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function configFile(contents: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-config-'));
  dirs.push(dir);
  const path = join(dir, 'config.json');
  writeFileSync(path, contents);
  return path;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('maps keys to flags and environment variables', () => {
    expect(flagName('sessionTimeoutMs')).toBe('session-timeout-ms');
    expect(envName('sessionTimeoutMs')).toBe('SAMSA_SESSION_TIMEOUT_MS');
  });

  it('applies defaults < file < environment < flags and freezes the result', () => {
    const file = configFile(JSON.stringify({ grpcPort: 1000, dataDir: '/file', cleanupPolicy: 'compact' }));
    const config = parseConfig(schema, {
      argv: ['--config', file, '--grpc-port=3000', '--flush-enabled'],
      env: { SAMSA_GRPC_PORT: '2000', SAMSA_DATA_DIR: '/env', SAMSA_ETCD_ENDPOINTS: 'a:1, b:2', PATH: '/bin' },
    });
    expect(config).toEqual({ grpcPort: 3000, dataDir: '/env', flushEnabled: true, cleanupPolicy: 'compact', etcdEndpoints: ['a:1', 'b:2'] });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the file named by SAMSA_CONFIG', () => {
    const file = configFile(JSON.stringify({ dataDir: '/from-file', flushEnabled: true }));
    expect(parseConfig(schema, { argv: [], env: { SAMSA_CONFIG: file } })).toMatchObject({ dataDir: '/from-file', flushEnabled: true });
  });

  it('reports every problem of every source together, naming each bad key', () => {
    const file = configFile(JSON.stringify({ grpcPrt: 1, flushEnabled: 'perhaps' }));
    const problems = problemsOf(() =>
      parseConfig(schema, {
        argv: ['stray', '--config', file, '--grpc-port', '70000', '--cleanup-policy', 'shred', '--nope', 'x'],
        env: { SAMSA_DATA_DIR: '', SAMSA_BOGUS: 'x' },
      }),
    );
    const text = problems.join('\n');
    for (const key of ['grpcPrt', 'flushEnabled', 'grpcPort', 'cleanupPolicy', '--nope', 'dataDir', 'SAMSA_BOGUS', '"stray"']) {
      expect(text).toContain(key);
    }
    expect(problems).toHaveLength(8);
  });

  it('reports a missing required key and an unreadable file', () => {
    const problems = problemsOf(() => parseConfig(schema, { argv: ['--config', '/nonexistent/samsa.json'], env: {} }));
    expect(problems.some((p) => p.startsWith('config file /nonexistent/samsa.json'))).toBe(true);
    expect(problems.some((p) => p.startsWith('dataDir: required'))).toBe(true);
  });

  it('rejects non-integers and values beyond a safe integer', () => {
    for (const bad of ['1.5', '0x10', '', '9007199254740993']) {
      expect(problemsOf(() => parseConfig(schema, { argv: ['--grpc-port', bad, '--data-dir', '/d'], env: {} }))[0]).toMatch(/^grpcPort: /);
    }
  });

  it('is a SamsaError with INVALID_CONFIG and a one-line message', () => {
    try {
      parseConfig(schema, { argv: ['--x', '1'], env: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe(ErrorCode.INVALID_CONFIG);
      expect((error as ConfigError).message).not.toContain('\n');
    }
  });

  it('describes every key for --help', () => {
    const help = describeConfig(schema);
    expect(help).toContain('--grpc-port (SAMSA_GRPC_PORT; int; default 9092)');
    expect(help).toContain('--data-dir (SAMSA_DATA_DIR; string; required)');
  });
});
