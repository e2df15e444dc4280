/**
 * parseConfig: reads a service's configuration once, from (lowest to highest precedence) key
 * defaults, an optional JSON file (`--config <path>` or `SAMSA_CONFIG`), `SAMSA_*` environment
 * variables and command-line flags. Key `sessionTimeoutMs` is flag `--session-timeout-ms` and
 * environment variable `SAMSA_SESSION_TIMEOUT_MS`.
 *
 * Every problem (unknown key in any source, wrong type, out of range, missing required key,
 * unreadable file) is collected and reported together in one {@link ConfigError}, so an operator
 * fixes a bad deployment in one round.
 */
import { readFileSync } from 'node:fs';
import { ErrorCode } from '@samsa/proto';
import { SamsaError } from '../errors/samsa-error.js';
import type { ConfigOf, ConfigSchema } from './config-keys.js';

export const ENV_PREFIX = 'SAMSA_';
const CONFIG_FILE_FLAG = 'config';
const CONFIG_FILE_ENV = `${ENV_PREFIX}CONFIG`;

export interface ConfigSources {
  /** Command-line arguments after the script name. */
  argv: readonly string[];
  /** Environment; only `SAMSA_*` variables are read. */
  env: Readonly<Record<string, string | undefined>>;
}

/** One message naming every bad key; `problems` lists them one by one. */
export class ConfigError extends SamsaError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(ErrorCode.INVALID_CONFIG, `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `sessionTimeoutMs` → `session-timeout-ms`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `sessionTimeoutMs` → `SAMSA_SESSION_TIMEOUT_MS`. */
export function envName(key: string): string {
  return ENV_PREFIX + flagName(key).replace(/-/g, '_').toUpperCase();
}

interface RawValue {
  value: unknown;
  source: string;
}

/** Parses and validates; throws {@link ConfigError} listing every problem. */
export function parseConfig<S extends ConfigSchema>(schema: S, sources: ConfigSources): ConfigOf<S> {
  const problems: string[] = [];
  const byFlag = new Map(Object.keys(schema).map((key) => [flagName(key), key]));
  const byEnv = new Map(Object.keys(schema).map((key) => [envName(key), key]));
  const raw = new Map<string, RawValue>();

  const flags = readFlags(sources.argv, problems);
  const filePath = flags.get(CONFIG_FILE_FLAG) ?? sources.env[CONFIG_FILE_ENV];
  flags.delete(CONFIG_FILE_FLAG);

  if (filePath !== undefined) {
    for (const [key, value] of Object.entries(readConfigFile(filePath, problems))) {
      if (key in schema) raw.set(key, { value, source: `file ${filePath}` });
      else problems.push(`${key}: unknown key (in file ${filePath})`);
    }
  }
  for (const [name, value] of Object.entries(sources.env)) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || value === undefined) continue;
    const key = byEnv.get(name);
    if (key) raw.set(key, { value, source: `env ${name}` });
    else problems.push(`${name}: unknown environment variable`);
  }
  for (const [name, value] of flags) {
    const key = byFlag.get(name);
    if (key) raw.set(key, { value, source: `flag --${name}` });
    else problems.push(`--${name}: unknown flag`);
  }

  const config: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const given = raw.get(key);
    if (!given) {
      if (spec.default === undefined) problems.push(`${key}: required (set --${flagName(key)} or ${envName(key)})`);
      else config[key] = spec.default;
      continue;
    }
    const parsed = spec.parse(given.value);
    if ('error' in parsed) problems.push(`${key}: ${parsed.error} (from ${given.source})`);
    else config[key] = parsed.value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config) as ConfigOf<S>;
}

/** `--name value`, `--name=value`, or a bare `--name` (true). Positional arguments are problems. */
function readFlags(argv: readonly string[], problems: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      problems.push(`${JSON.stringify(arg)}: unexpected argument`);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), next);
      i++;
    } else {
      flags.set(arg.slice(2), 'true');
    }
  }
  return flags;
}

function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    problems.push(`config file ${path}: expected a JSON object`);
  } catch (error) {
    problems.push(`config file ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  return {};
}

/** Help text: one line per key with flag, environment variable, default, unit and doc. */
export function describeConfig(schema: ConfigSchema): string {
  return Object.entries(schema)
    .map(([key, spec]) => {
      const fallback = spec.default === undefined ? 'required' : `default ${JSON.stringify(spec.default)}`;
      const unit = spec.unit ? `, ${spec.unit}` : '';
      return `  --${flagName(key)} (${envName(key)}; ${spec.type}${unit}; ${fallback})\n      ${spec.doc}`;
    })
    .join('\n');
}
