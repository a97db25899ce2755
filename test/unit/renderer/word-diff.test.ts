import { describe, expect, it } from 'vitest';
import { wordDiff } from '../../../src-renderer/values/word-diff';

describe('word diff', () => {
  it('keeps what both texts share and marks the words removed and added', () => {
    expect(wordDiff('Due in 30 days net', 'Due in 45 days net')).toEqual([
      { kind: 'same', text: 'Due in ' },
      { kind: 'added', text: '45' },
      { kind: 'removed', text: '30' },
      { kind: 'same', text: ' days net' },
    ]);
  });

  it('joins back to the old text without the added parts and to the new one without the removed', () => {
    const before = 'سارة أحمد, Riyadh office, 2nd floor';
    const after = 'سارة أحمد, Jeddah office, ground floor, desk 4';
    const parts = wordDiff(before, after);
    expect(parts.filter((part) => part.kind !== 'added').map((part) => part.text).join('')).toBe(before);
    expect(parts.filter((part) => part.kind !== 'removed').map((part) => part.text).join('')).toBe(after);
  });

  it('shows very long texts as a whole old and new', () => {
    const long = Array.from({ length: 500 }, (_, index) => `w${index}`).join(' ');
    expect(wordDiff(long, `${long} more`)).toEqual([{ kind: 'removed', text: long }, { kind: 'added', text: `${long} more` }]);
  });
});
