/**
 * Text checkpoint files (Kafka's format, spec §5.1/§6.6): line `0` (version), line `<count>`,
 * then one entry per line. Written atomically: a temp file is written and fsynced, renamed over
 * the old one, and the directory fsynced, so a crash leaves either the old or the new file.
 */
import { readFile } from 'node:fs/promises';
import { syncDirectory, writeFileAtomically } from '@samsa/common';

export async function writeCheckpoint(path: string, entries: ReadonlyArray<readonly (string | number)[]>): Promise<void> {
  const text = ['0', String(entries.length), ...entries.map((entry) => entry.join(' '))].join('\n') + '\n';
  await writeFileAtomically(path, Buffer.from(text));
}

/** The entries of a checkpoint, or undefined when it is missing or malformed (callers then rebuild). */
export async function readCheckpoint(path: string): Promise<string[][] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((line) => line.length > 0);
  const count = Number(lines[1]);
  if (lines[0] !== '0' || !Number.isInteger(count) || lines.length !== count + 2) return undefined;
  return lines.slice(2).map((line) => line.split(' '));
}

export { syncDirectory, writeFileAtomically };
