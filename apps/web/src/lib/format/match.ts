/**
 * Case- and diacritic-insensitive matching for search on the device: "cafe" finds "Café" and
 * "CAFÉ". Both sides are folded (lower case, NFD, combining marks dropped); matches are given as
 * ranges of the ORIGINAL text so that they can be highlighted where they are.
 */

export interface Folded {
  folded: string;
  /** map[k]: the index in the original text of folded character k; map[folded.length] = text.length. */
  map: number[];
}

const MARKS = /\p{M}/gu;
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

export function foldQuery(query: string): string {
  return query.trim().toLowerCase().normalize('NFD').replace(MARKS, '').replace(/\s+/g, ' ');
}

export function fold(text: string): Folded {
  if (ASCII.test(text)) {
    const map = new Array<number>(text.length + 1);
    for (let i = 0; i <= text.length; i++) map[i] = i;
    return { folded: text.toLowerCase(), map };
  }
  let folded = '';
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = ch.toLowerCase().normalize('NFD').replace(MARKS, '');
    for (let k = 0; k < f.length; k++) map.push(i);
    folded += f;
    i += ch.length;
  }
  map.push(text.length);
  return { folded, map };
}

export type Range = readonly [start: number, end: number];

/** Every non-overlapping match of the (already folded) query in `text`, as original ranges. */
export function findMatches(text: string, foldedQuery: string, limit = 1000): Range[] {
  if (!foldedQuery || !text) return [];
  const { folded, map } = fold(text);
  const ranges: Range[] = [];
  let at = folded.indexOf(foldedQuery);
  while (at >= 0 && ranges.length < limit) {
    const end = at + foldedQuery.length;
    // The end maps to the first original character after the match.
    let originalEnd = map[end]!;
    if (end < folded.length && map[end] === map[end - 1]) originalEnd = map[end - 1]! + 1;
    ranges.push([map[at]!, Math.max(originalEnd, map[at]! + 1)]);
    at = folded.indexOf(foldedQuery, end);
  }
  return ranges;
}

export function matches(text: string, foldedQuery: string): boolean {
  if (!foldedQuery) return false;
  return fold(text).folded.includes(foldedQuery);
}

export interface Snippet {
  before: string;
  match: string;
  after: string;
}

/** The words around a match, on one line, with ellipses where the text was cut. */
export function snippet(text: string, range: Range, radius = 40): Snippet {
  const flat = (s: string) => s.replace(/\s+/g, ' ');
  const [start, end] = range;
  const from = Math.max(0, start - radius);
  const to = Math.min(text.length, end + radius * 2);
  return {
    before: (from > 0 ? '…' : '') + flat(text.slice(from, start)).trimStart(),
    match: flat(text.slice(start, end)),
    after: flat(text.slice(end, to)).trimEnd() + (to < text.length ? '…' : ''),
  };
}
