import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TOPIC_CONFIG_DEFS,
  checkConfigEntry,
  effectiveConfig,
  effectiveConfigs,
  isUncleanElectionEnabled,
  toConfigEntries,
  validateNewTopicConfigs,
} from './topic-configs.js';

const LIMITS = { minSegmentBytes: 1024 };

describe('effective topic configuration', () => {
  it("takes Kafka's defaults for keys not set", () => {
    const defaults = effectiveConfigs(new Map());
    expect(defaults.get('cleanup.policy')).toBe('delete');
    expect(defaults.get('retention.ms')).toBe('604800000');
    expect(defaults.get('min.insync.replicas')).toBe('1');
    expect(defaults.get('unclean.leader.election.enable')).toBe('false');
    expect(effectiveConfig(new Map([['retention.ms', '5']]), 'retention.ms')).toBe('5');
    expect(() => effectiveConfig(new Map(), 'nope')).toThrow(/unknown/);
    expect(() => effectiveConfigs(new Map([['nope', '1']]))).toThrow(/unknown/);
    expect(isUncleanElectionEnabled(new Map([['unclean.leader.election.enable', 'true']]))).toBe(true);
  });

  it('has every key, sorted, with the explicit value where set', () => {
    const keys = [...TOPIC_CONFIG_DEFS.keys()].sort();
    const explicit = fc.dictionary(fc.constantFrom(...keys), fc.string(), { maxKeys: keys.length });
    fc.assert(
      fc.property(explicit, (values) => {
        const configs = new Map(Object.entries(values));
        const effective = effectiveConfigs(configs);
        expect([...effective.keys()]).toEqual(keys);
        for (const key of keys) expect(effective.get(key)).toBe(configs.get(key) ?? TOPIC_CONFIG_DEFS.get(key)?.defaultValue);
      }),
    );
  });
});

describe('topic config validation', () => {
  it('normalizes values and applies the limits it is given', () => {
    expect(checkConfigEntry('retention.ms', ' +42 ', LIMITS)).toEqual({ value: '42' });
    expect(checkConfigEntry('unclean.leader.election.enable', 'TRUE', LIMITS)).toEqual({ value: 'true' });
    expect(checkConfigEntry('segment.bytes', '1024', LIMITS)).toEqual({ value: '1024' });
    expect(checkConfigEntry('segment.bytes', '1024', { minSegmentBytes: 1_048_576 })).toEqual({ problem: expect.stringMatching(/segment.bytes.*below the minimum 1048576/) });
    expect(checkConfigEntry('cleanup.policy', 'shred', LIMITS)).toEqual({ problem: expect.stringMatching(/cleanup.policy/) });
    expect(checkConfigEntry('nope', '1', LIMITS)).toEqual({ problem: 'unknown topic config key "nope"' });
  });

  it('checks a new topic as a whole: no repeated keys, min.insync.replicas within the replication factor', () => {
    expect(validateNewTopicConfigs([{ name: 'retention.ms', value: '10' }, { name: 'segment.ms', value: undefined }], 1, LIMITS)).toEqual({
      configs: new Map([['retention.ms', '10']]),
    });
    expect(validateNewTopicConfigs([{ name: 'retention.ms', value: '1' }, { name: 'retention.ms', value: '2' }], 1, LIMITS)).toEqual({ problem: expect.stringMatching(/twice/) });
    expect(validateNewTopicConfigs([{ name: 'min.insync.replicas', value: '3' }], 2, LIMITS)).toEqual({ problem: expect.stringMatching(/replication factor 2/) });
    expect(validateNewTopicConfigs([{ name: 'nope', value: undefined }], 1, LIMITS)).toEqual({ problem: expect.stringMatching(/unknown/) });
  });

  it('writes configs as entries sorted by key', () => {
    expect(toConfigEntries(new Map([['segment.ms', '1'], ['retention.ms', '2']]))).toEqual([
      { name: 'retention.ms', value: '2' },
      { name: 'segment.ms', value: '1' },
    ]);
  });
});
