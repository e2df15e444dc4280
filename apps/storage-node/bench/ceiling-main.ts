#!/usr/bin/env node
/**
 * Prints the loopback grpc-js ceilings (see grpc-ceiling.ts):
 *   npx tsx bench/ceiling-main.ts [--message-bytes 65536] [--total-mib 512] [--duration-cap-ms 30000] [--json]
 */
import { parseArgs } from 'node:util';
import { measureGrpcCeilings } from './grpc-ceiling.js';

const { values } = parseArgs({
  options: {
    'message-bytes': { type: 'string', default: '65536' },
    'total-mib': { type: 'string', default: '512' },
    'duration-cap-ms': { type: 'string', default: '30000' },
    json: { type: 'boolean', default: false },
  },
});

const result = await measureGrpcCeilings({
  messageBytes: Number(values['message-bytes']),
  totalBytes: Number(values['total-mib']) * 1024 * 1024,
  durationCapMs: Number(values['duration-cap-ms']),
});

if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const line = (label: string, mbps: number, run: { bytes: number; elapsedMs: number; capped: boolean }) =>
    `${label}  ${mbps.toFixed(1).padStart(7)} MB/s  (${(run.bytes / 1024 / 1024).toFixed(0)} MiB in ${run.elapsedMs.toFixed(0)} ms${run.capped ? ', time-capped' : ''})`;
  console.log(`grpc-js ${result.messageBytes}-byte messages, two processes on loopback`);
  console.log(line('client→server stream', result.clientToServerMBps, result.clientToServer));
  console.log(line('client→server stream into disk', result.clientToDiskMBps, result.clientToDisk));
  console.log(line('server→client stream', result.serverToClientMBps, result.serverToClient));
}
