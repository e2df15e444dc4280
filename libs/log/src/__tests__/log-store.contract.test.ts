import { ManualClock } from '@samsa/common';
import { InMemoryLogStore } from '../in-memory-log-store.js';
import { PartitionLog } from '../partition-log.js';
import { describeLogStoreContract } from './log-store.contract.js';
import { logContext } from './log-context.js';

describeLogStoreContract('PartitionLog (segment files)', async (config = {}) => {
  const ctx = await logContext();
  let store = await ctx.open(config);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = await PartitionLog.open({ dir: ctx.dir, clock: ctx.clock, config });
      return store;
    },
    cleanup: async () => {
      await store.close();
      await ctx.cleanup();
    },
  };
});

describeLogStoreContract('InMemoryLogStore', async (config = {}) => ({
  store: new InMemoryLogStore(config, new ManualClock()),
  cleanup: async () => undefined,
}));
