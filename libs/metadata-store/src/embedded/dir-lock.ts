/**
 * One writer per data dir: a `LOCK` file, created exclusively, naming the owner's pid and a
 * random token.
 *
 * - A dir this process already holds is refused (tracked in this module's process-wide set of
 *   held dirs — a lock is process state by nature), so a second open cannot interleave journal
 *   appends with the first.
 * - A lock whose pid is a live *other* process is refused.
 * - Any other lock is stale (the owner died by kill -9) and is taken over. A lock naming our own
 *   pid but not held by us is stale too: after a container restart the new process often gets
 *   the same pid as the dead one.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const held = new Set<string>();

export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const id = resolve(dir);
  if (held.has(id)) throw new Error(`metadata store ${dir} is already open in this process`);
  held.add(id);
  try {
    await createLockFile(join(dir, 'LOCK'), dir);
  } catch (error) {
    held.delete(id);
    throw error;
  }
  return async () => {
    await rm(join(dir, 'LOCK'), { force: true });
    held.delete(id);
  };
}

async function createLockFile(path: string, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${process.pid} ${randomUUID()}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isProcessAlive(owner)) {
      throw new Error(`metadata store ${dir} is locked by running process ${owner} (remove ${path} if that process is not a Samsa store)`);
    }
    await rm(path, { force: true });
  }
  throw new Error(`could not lock metadata store ${dir}`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
