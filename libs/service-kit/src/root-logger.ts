/** The root pino logger of a service process: JSON lines on stdout, `service` on every line. */
import { pino } from 'pino';
import type { Logger } from '@samsa/common';

export function createRootLogger(service: string, level: string): Logger {
  return pino({ level, base: { service, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
