/** Compaction crash safety: every intermediate on-disk state reopens to the pre- or post-compaction log. */
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEGMENT_0, append, copyDir, latestByKey, useCleanerContext } from './cleaner-context.js';
import { keyedBatch, readAll } from './log-context.js';

const t = useCleanerContext();

describe('compactLog crash safety', () => {
  /** A crashed (never closed) log in `pre`, and the same after one compaction in `post`. */
  async function preAndPost() {
    const log = await t.open();
    await append(log, keyedBatch([['a', 'a1'], ['b', 'b1'], ['c', 'c1']])); // 0-2
    await log.roll();
    await append(log, keyedBatch([['a', 'a2'], ['b', 'b2']])); // 3-4
    await log.roll();
    await append(log, keyedBatch([['d', 'd1']])); // 5
    await log.flush();
    const pre = await t.scratchDir();
    await copyDir(t.ctx.dir, pre);
    const preData = await readAll(log);
    expect(await t.compact(log)).toMatchObject({ segmentsCleaned: 1, recordsRemoved: 2 });
    const post = await t.scratchDir();
    await copyDir(t.ctx.dir, post);
    const postData = await readAll(log);
    expect(postData).not.toEqual(preData);
    return { pre, post, preData, postData };
  }

  const segmentFiles = (dir: string) => ['.log', '.index', '.timeindex', '.txnindex'].map((suffix) => join(dir, SEGMENT_0 + suffix));

  const crashStates: Array<{ name: string; outcome: 'pre' | 'post'; build: (dir: string, pre: string, post: string) => Promise<void> }> = [
    {
      name: 'a complete .cleaned copy left over',
      outcome: 'pre',
      build: async (dir, pre, post) => {
        await copyDir(pre, dir);
        await copyFile(join(post, `${SEGMENT_0}.log`), join(dir, `${SEGMENT_0}.log.cleaned`));
      },
    },
    {
      name: 'a torn .cleaned copy left over',
      outcome: 'pre',
      build: async (dir, pre, post) => {
        await copyDir(pre, dir);
        const cleaned = await readFile(join(post, `${SEGMENT_0}.log`));
        await writeFile(join(dir, `${SEGMENT_0}.log.cleaned`), cleaned.subarray(0, cleaned.length >> 1));
      },
    },
    {
      name: 'a .swap next to the old segment',
      outcome: 'post',
      build: async (dir, pre, post) => {
        await copyDir(pre, dir);
        await copyFile(join(post, `${SEGMENT_0}.log`), join(dir, `${SEGMENT_0}.log.swap`));
      },
    },
    {
      name: 'a .swap with the old .log deleted but its indexes still there',
      outcome: 'post',
      build: async (dir, pre, post) => {
        await copyDir(pre, dir);
        await rm(join(dir, `${SEGMENT_0}.log`));
        await copyFile(join(post, `${SEGMENT_0}.log`), join(dir, `${SEGMENT_0}.log.swap`));
      },
    },
    {
      name: 'only a .swap, every old segment file deleted',
      outcome: 'post',
      build: async (dir, pre, post) => {
        await copyDir(pre, dir);
        for (const path of segmentFiles(dir)) await rm(path, { force: true });
        await copyFile(join(post, `${SEGMENT_0}.log`), join(dir, `${SEGMENT_0}.log.swap`));
      },
    },
    {
      name: 'the swap renamed into place before its indexes were written',
      outcome: 'post',
      build: async (dir, pre, post) => {
        await copyDir(pre, dir);
        for (const path of segmentFiles(dir)) await rm(path, { force: true });
        await copyFile(join(post, `${SEGMENT_0}.log`), join(dir, `${SEGMENT_0}.log`));
      },
    },
    {
      name: 'everything swapped but the cleaner checkpoint not yet written',
      outcome: 'post',
      build: async (dir, pre, post) => {
        await copyDir(post, dir);
        await copyFile(join(pre, 'log-checkpoint'), join(dir, 'log-checkpoint'));
      },
    },
  ];

  it.each(crashStates)('reopens with exactly the $outcome-compaction data after a crash leaving $name', async ({ outcome, build }) => {
    const { pre, post, preData, postData } = await preAndPost();
    const dir = await t.scratchDir();
    await build(dir, pre, post);
    const log = await t.openAt(dir);
    const data = await readAll(log);
    expect(data).toEqual(outcome === 'pre' ? preData : postData);
    expect(latestByKey(data)).toEqual(latestByKey(preData));
    expect(log.logEndOffset).toBe(6);
    expect((await readdir(dir)).filter((name) => name.endsWith('.cleaned') || name.endsWith('.swap'))).toEqual([]);
    // Compacting again converges on the post-compaction log, and the log takes appends where it left off.
    await t.compact(log);
    expect(await readAll(log)).toEqual(postData);
    expect((await append(log, keyedBatch([['e', 'e1']]))).baseOffset).toBe(6);
  });

  it('loses nothing when a crash falls between the swaps of two segments', async () => {
    const log = await t.open();
    await append(log, keyedBatch([['a', 'a1'], ['b', 'b1']])); // 0-1
    await log.roll();
    await append(log, keyedBatch([['a', 'a2'], ['c', 'c1']])); // 2-3
    await log.roll();
    await append(log, keyedBatch([['c', 'c2']])); // 4
    await log.roll();
    await append(log, keyedBatch([['z', 'z']])); // 5
    await log.flush();
    const pre = await t.scratchDir();
    await copyDir(t.ctx.dir, pre);
    const preData = await readAll(log);
    expect(await t.compact(log)).toMatchObject({ segmentsCleaned: 2, recordsRemoved: 2 });
    const postData = await readAll(log);

    // The first segment's swap is done (still as .swap), the second's not begun.
    const dir = await t.scratchDir();
    await copyDir(pre, dir);
    await copyFile(join(t.ctx.dir, `${SEGMENT_0}.log`), join(dir, `${SEGMENT_0}.log.swap`));
    const crashed = await t.openAt(dir);
    const data = await readAll(crashed);
    expect(latestByKey(data)).toEqual(latestByKey(preData));
    expect(data).toEqual(preData.filter((r) => r.offset !== 0));
    await t.compact(crashed);
    expect(await readAll(crashed)).toEqual(postData);
  });
});
