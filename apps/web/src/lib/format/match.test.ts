import { describe, expect, it } from 'vitest';
import { findMatches, foldQuery, matches, snippet } from './match';

describe('search matching on the device', () => {
  it('ignores case and diacritics', () => {
    const q = foldQuery('CAFE');
    expect(matches('Un café, s’il vous plaît', q)).toBe(true);
    expect(matches('Ünïcödé', foldQuery('unicode'))).toBe(true);
    expect(matches('Zoë', foldQuery('zoë'))).toBe(true);
    expect(matches('nothing here', q)).toBe(false);
  });

  it('gives ranges of the original text, decomposed or not', () => {
    const t = 'Le Café et le cafe\u0301';
    const ranges = findMatches(t, foldQuery('café'));
    expect(ranges.map(([a, b]) => t.slice(a, b))).toEqual(['Café', 'cafe\u0301']);
    expect(findMatches('aaaa', 'aa')).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  it('snippets cut long text around the match', () => {
    const t = `${'x '.repeat(50)}needle ${'y '.repeat(100)}`;
    const [range] = findMatches(t, 'needle');
    const s = snippet(t, range!);
    expect(s.match).toBe('needle');
    expect(s.before.startsWith('…')).toBe(true);
    expect(s.after.endsWith('…')).toBe(true);
  });

  it('an empty query matches nothing', () => {
    expect(foldQuery('   ')).toBe('');
    expect(findMatches('abc', '')).toEqual([]);
  });
});
