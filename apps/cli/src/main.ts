#!/usr/bin/env node
/** The `samsa` command. */
import { Command, InvalidArgumentError } from 'commander';
import { runDevCluster } from './dev-cluster.js';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_531) throw new InvalidArgumentError('expected a port between 0 and 65531');
  return parsed;
}

const program = new Command('samsa').description('Samsa: a distributed commit log with Kafka semantics over gRPC');

program
  .command('dev')
  .description('Run Samsa on this machine: every service on 127.0.0.1, until Ctrl-C')
  .option('--host <host>', 'interface every service listens on', '127.0.0.1')
  .option('--base-port <port>', 'gRPC port of the storage node; controller +1, group coordinator +2, transaction coordinator +3, admin ports +100; 0 = free ports', port, 9092)
  .option('--log-level <level>', 'log level of the services', 'info')
  .option('--data-dir <dir>', 'where the services keep their data', './data')
  .action(async (options: { host: string; basePort: number; logLevel: string; dataDir: string }) => {
    process.exitCode = await runDevCluster(options);
  });

await program.parseAsync(process.argv);
