import { describe, expect, it } from 'vitest';
import { member, partitionsPerTopic } from './__tests__/group-fixture.js';
import { compareMembers, validateInput } from './member-order.js';
import { compareStrings } from './types.js';

describe('compareMembers', () => {
  it('puts static members first by instance id, then dynamic members by member id', () => {
    const members = [
      member('m-a', ['t']),
      member('m-z', ['t'], { instanceId: 'i-2' }),
      member('m-b', ['t'], { instanceId: 'i-1' }),
      member('m-0', ['t']),
    ];
    expect([...members].sort(compareMembers).map((m) => m.memberId)).toEqual(['m-b', 'm-z', 'm-0', 'm-a']);
  });
});

describe('compareStrings', () => {
  it("orders by UTF-16 code units like Java's String.compareTo, not by locale", () => {
    expect(['b', 'B', 'a', 'Z'].sort(compareStrings)).toEqual(['B', 'Z', 'a', 'b']);
    // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF5E in UTF-16.
    expect(['\uff5e', '\u{1f600}'].sort(compareStrings)).toEqual(['\u{1f600}', '\uff5e']);
  });
});

describe('validateInput', () => {
  it('rejects negative or fractional partition counts', () => {
    expect(() => validateInput([], partitionsPerTopic({ t: -1 }))).toThrow(/invalid partition count/);
    expect(() => validateInput([], partitionsPerTopic({ t: 1.5 }))).toThrow(/invalid partition count/);
  });
});
