/**
 * File names in a partition directory (spec §5.1): segments and snapshots are named by their
 * base offset, zero-padded to 20 digits; checkpoints are small text files written atomically.
 */
import { join } from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
/** A compacted copy being written; deleted if found at open (the compaction did not finish). */
export const CLEANED_SUFFIX = '.cleaned';
/** A finished compacted copy waiting to replace its segment; completed if found at open. */
export const SWAP_SUFFIX = '.swap';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const LOG_CHECKPOINT = 'log-checkpoint';
export const CLEAN_SHUTDOWN_MARKER = '.clean-shutdown';

export function offsetFileName(offset: number, suffix: string): string {
  return String(offset).padStart(20, '0') + suffix;
}

export function segmentPaths(dir: string, baseOffset: number) {
  return {
    log: join(dir, offsetFileName(baseOffset, LOG_SUFFIX)),
    index: join(dir, offsetFileName(baseOffset, INDEX_SUFFIX)),
    timeIndex: join(dir, offsetFileName(baseOffset, TIME_INDEX_SUFFIX)),
    txnIndex: join(dir, offsetFileName(baseOffset, TXN_INDEX_SUFFIX)),
  };
}

/** The base offset of `<20 digits><suffix>`, or undefined for any other name. */
export function parseOffsetFileName(name: string, suffix: string): number | undefined {
  if (!name.endsWith(suffix)) return undefined;
  const digits = name.slice(0, -suffix.length);
  return /^\d{20}$/.test(digits) ? Number(digits) : undefined;
}
