/**
 * The configuration keys every Samsa service has, and loading a service's configuration at
 * start: `--help` prints the keys; any invalid configuration exits with status 2 and one
 * message naming every bad key.
 */
import { ConfigError, describeConfig, enumKey, intKey, parseConfig, stringKey, type ConfigOf, type ConfigSchema } from '@samsa/common';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Exit status for an invalid configuration (usage error). */
export const EXIT_BAD_CONFIG = 2;

export function serviceConfigKeys(defaults: { grpcPort: number; adminPort: number }) {
  return {
    host: stringKey({ doc: 'Interface the gRPC server listens on', default: '127.0.0.1', nonEmpty: true }),
    grpcPort: intKey({ doc: 'gRPC port; 0 picks a free port (logged in the READY line)', default: defaults.grpcPort, min: 0, max: 65535 }),
    adminHost: stringKey({ doc: 'Interface of the HTTP admin server (/metrics, /healthz, /readyz)', default: '127.0.0.1', nonEmpty: true }),
    adminPort: intKey({ doc: 'HTTP admin port; 0 picks a free port', default: defaults.adminPort, min: 0, max: 65535 }),
    logLevel: enumKey(LOG_LEVELS, { doc: 'Minimum level of JSON log lines written to stdout', default: 'info' }),
    shutdownTimeoutMs: intKey({ doc: 'How long SIGTERM waits for in-flight calls before cancelling them', default: 10_000, unit: 'ms', min: 0, max: 600_000 }),
  };
}

export type ServiceConfig = ConfigOf<ReturnType<typeof serviceConfigKeys>>;

/** Parses the process's configuration, or prints help / the problems and exits. */
export function loadConfigOrExit<S extends ConfigSchema>(
  service: string,
  schema: S,
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ConfigOf<S> {
  if (argv.includes('--help')) {
    process.stdout.write(`Usage: ${service} [--config file.json] [--key value ...]\n\nKeys:\n${describeConfig(schema)}\n`);
    process.exit(0);
  }
  try {
    return parseConfig(schema, { argv, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
}
