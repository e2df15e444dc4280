/**
 * The MetadataStore contract: one suite that every implementation runs (the embedded store and
 * etcd), so the controller can rely on the behaviour whichever store it is given.
 *
 * An implementation supplies a harness per test: a fresh, empty store (a new data dir, or a new
 * etcd namespace), a second client of the same store for two-candidate elections, and a way to
 * let lease time pass (a ManualClock for the embedded store; real time for etcd, whose clock we
 * cannot drive — used only where the passing of time is itself the behaviour under test).
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { MetadataStore } from '../metadata-store.js';
import { describeKvContract } from './contract-kv.js';
import { describeLeaseAndElectionContract } from './contract-lease-election.js';
import { describeWatchContract } from './contract-watch.js';

export interface ContractHarness {
  /** A fresh, empty store. */
  readonly store: MetadataStore;
  /** Another client of the same store (a second controller process); the embedded store returns itself. */
  peer(): Promise<MetadataStore>;
  /** Lets `ms` of lease time pass: advances the manual clock, or (etcd) resolves after `ms` of real time. */
  advanceTime(ms: number): Promise<void>;
  /** A TTL for leases a test lets expire: as short as the store allows. */
  readonly shortTtlMs: number;
  /** Closes every client and removes what the harness created. */
  close(): Promise<void>;
}

/** Gives each contract test its harness, opened before and closed after the test. */
export interface HarnessRef {
  readonly current: ContractHarness;
}

export function describeMetadataStoreContract(name: string, openHarness: () => Promise<ContractHarness>): void {
  describe(`MetadataStore contract: ${name}`, () => {
    let harness: ContractHarness | undefined;
    const ref: HarnessRef = {
      get current() {
        if (!harness) throw new Error('no harness: the test runs outside the contract suite');
        return harness;
      },
    };
    beforeEach(async () => {
      harness = await openHarness();
    });
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });
    describeKvContract(ref);
    describeWatchContract(ref);
    describeLeaseAndElectionContract(ref);
  });
}
