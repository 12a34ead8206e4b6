/**
 * The small Markdown subset messages use (docs/web.md "Formatting, links and search"): **bold**,
 * *italic* / _italic_, `code`, ```code blocks```, > quotes, and links (bare http, https, mailto and
 * www. addresses, and [text](url)). The parser builds a tree that `FormattedText` turns into React
 * elements: no HTML is ever produced from message text, so nothing in it can become markup.
 *
 * Every pass is linear in the text's length (no regular expression that backtracks, no search that
 * starts again from each position): a message of 10,000 stars or brackets costs what any other
 * message of that length costs. Nesting is bounded (MAX_DEPTH); deeper markers stay as they are.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'bold'; children: Inline[] }
  | { type: 'italic'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; text: string };

export type Block =
  /** Lines shown one under the other (the text keeps its line breaks). */
  { type: 'paragraph'; lines: Inline[][] } | { type: 'quote'; lines: Inline[][] } | { type: 'codeblock'; text: string };

/** Emphasis nested deeper than this is left as written. */
export const MAX_DEPTH = 8;

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The address a link may point to, or null: only absolute http, https and mailto URLs (www.
 * becomes https). Anything else (javascript:, data:, vbscript:, file:, a relative path, a scheme
 * hidden behind entities, percent signs, tabs or control characters) is not a link.
 */
export function safeHref(raw: string): string | null {
  let candidate = raw.trim();
  if (!candidate || candidate.length > 2048) return null;
  // Whitespace or control characters inside an address: the URL parser would drop some of them
  // (java\tscript:), so refuse them outright rather than guess what was meant.
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) return null;
  }
  if (/^www\./i.test(candidate)) candidate = `https://${candidate}`;
  // An explicit scheme of letters only, checked before parsing: "%6Aavascript:" or "&#106;..."
  // have none and are refused here.
  const colon = candidate.indexOf(':');
  if (colon <= 0 || !/^[a-z][a-z0-9+.-]*$/i.test(candidate.slice(0, colon))) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol !== 'mailto:' && !url.hostname) return null;
  if (url.protocol === 'mailto:' && url.pathname.length === 0) return null;
  return url.href;
}

// ---------------------------------------------------------------------------------------------
// Blocks

function isFence(line: string): boolean {
  return line.trimStart().startsWith('```');
}

/** Splits a message into paragraphs, quotes and code blocks. */
export function parseBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // nextFence[i]: the first fence line after line i (one backward pass: an unclosed fence does not
  // search to the end again for every line).
  const nextFence = new Array<number>(lines.length + 1).fill(-1);
  for (let i = lines.length - 1; i >= 0; i--) nextFence[i] = isFence(lines[i + 1] ?? '') ? i + 1 : nextFence[i + 1]!;

  const blocks: Block[] = [];
  let paragraph: Inline[][] | null = null;
  let quote: Inline[][] | null = null;
  const flush = () => {
    if (paragraph) blocks.push({ type: 'paragraph', lines: paragraph });
    if (quote) blocks.push({ type: 'quote', lines: quote });
    paragraph = null;
    quote = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isFence(line)) {
      const rest = line.trimStart().slice(3);
      // ```one line```
      if (rest.length > 3 && rest.endsWith('```')) {
        flush();
        blocks.push({ type: 'codeblock', text: rest.slice(0, -3) });
        continue;
      }
      const close = nextFence[i]!;
      if (close > i) {
        flush();
        const body = lines.slice(i + 1, close);
        if (rest.trim()) body.unshift(rest);
        const closing = lines[close]!.trimStart();
        const before = closing.slice(0, closing.indexOf('```'));
        if (before.trim()) body.push(before);
        blocks.push({ type: 'codeblock', text: body.join('\n') });
        const after = closing.slice(closing.indexOf('```') + 3);
        i = close;
        if (after.trim()) {
          paragraph = [parseInline(after)];
        }
        continue;
      }
      // Unclosed: the backticks are text.
    }
    if (line.startsWith('>')) {
      if (paragraph) flush();
      quote ??= [];
      quote.push(parseInline(line.slice(line.startsWith('> ') ? 2 : 1)));
      continue;
    }
    if (quote) flush();
    paragraph ??= [];
    paragraph.push(parseInline(line));
  }
  flush();
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Inline: code spans, then links, then emphasis

type Atom =
  { type: 'text'; text: string } | { type: 'code'; text: string } | { type: 'link'; href: string; text: string };

function splitCode(line: string): Atom[] {
  const atoms: Atom[] = [];
  let start = 0;
  let i = line.indexOf('`');
  while (i >= 0) {
    const end = line.indexOf('`', i + 1);
    if (end < 0) break; // no closing backtick anywhere after: the rest is text
    if (end === i + 1) {
      // `` is not an empty code span
      i = line.indexOf('`', end + 1);
      continue;
    }
    if (i > start) atoms.push({ type: 'text', text: line.slice(start, i) });
    atoms.push({ type: 'code', text: line.slice(i + 1, end) });
    start = end + 1;
    i = line.indexOf('`', start);
  }
  if (start < line.length) atoms.push({ type: 'text', text: line.slice(start) });
  return atoms;
}

const URL_END = new Set([' ', '\t', '\n', '<', '>', '"', '`']);
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '*', '_', ']', '}']);

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function startsWithCI(text: string, at: number, prefix: string): boolean {
  return text.slice(at, at + prefix.length).toLowerCase() === prefix;
}

/** Where a bare address that starts at `at` ends (exclusive), or -1 when none starts there. */
function bareUrlEnd(text: string, at: number): number {
  const first = text[at]?.toLowerCase();
  if (first !== 'h' && first !== 'm' && first !== 'w') return -1;
  if (isWordChar(text[at - 1])) return -1;
  const prefix = ['https://', 'http://', 'mailto:', 'www.'].find((p) => startsWithCI(text, at, p));
  if (!prefix) return -1;
  let end = at + prefix.length;
  while (end < text.length && !URL_END.has(text[end]!)) end++;
  // Trailing punctuation belongs to the sentence; a closing bracket only when it opened inside.
  let opens = 0;
  for (let k = at; k < end; k++) {
    if (text[k] === '(') opens++;
    else if (text[k] === ')') opens--;
  }
  while (end > at + prefix.length) {
    const ch = text[end - 1]!;
    if (TRAILING.has(ch)) end--;
    else if (ch === ')' && opens < 0) {
      end--;
      opens++;
    } else break;
  }
  return end > at + prefix.length ? end : -1;
}

/** [label](address): the label between `at` (a '[') and `close` (its ']'), the address up to `paren`. */
function labelledLink(text: string, at: number, close: number, paren: number): { text: string; href: string } | null {
  if (paren - close > 2050) return null;
  const label = text.slice(at + 1, close);
  if (!label.trim()) return null;
  const href = safeHref(text.slice(close + 2, paren));
  // An address that is not allowed: the whole thing stays text (never a link).
  return href ? { text: label, href } : null;
}

function splitLinks(text: string): Atom[] {
  const atoms: Atom[] = [];
  let start = 0;
  // The next ']' and ')' are remembered while the scan moves on (linear for "[[[[...").
  let nextClose = -2;
  let nextOpen = -2;
  let nextParen = -2;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '[') {
      if (nextClose !== -1 && nextClose < i) nextClose = text.indexOf(']', i);
      if (nextOpen !== -1 && nextOpen <= i) nextOpen = text.indexOf('[', i + 1);
      // Only the innermost '[' before a ']' can start a link ("[[[a](b)": the last one).
      const innermost = nextOpen < 0 || nextOpen > nextClose;
      if (innermost && nextClose > i && text[nextClose + 1] === '(') {
        if (nextParen !== -1 && nextParen < nextClose) nextParen = text.indexOf(')', nextClose + 2);
        if (nextParen > nextClose) {
          const link = labelledLink(text, i, nextClose, nextParen);
          if (link) {
            if (i > start) atoms.push({ type: 'text', text: text.slice(start, i) });
            atoms.push({ type: 'link', href: link.href, text: link.text });
            i = start = nextParen + 1;
            continue;
          }
        }
      }
      i++;
      continue;
    }
    const end = bareUrlEnd(text, i);
    if (end > 0) {
      const raw = text.slice(i, end);
      const href = safeHref(raw);
      if (href) {
        if (i > start) atoms.push({ type: 'text', text: text.slice(start, i) });
        atoms.push({ type: 'link', href, text: raw });
        i = start = end;
        continue;
      }
      i = end;
      continue;
    }
    i++;
  }
  if (start < text.length) atoms.push({ type: 'text', text: text.slice(start) });
  return atoms;
}

type Marker = '**' | '*' | '__' | '_';
interface Opener {
  marker: Marker;
  /** Index in `out` of the placeholder text node holding the marker. */
  index: number;
}

function isSpace(ch: string | undefined): boolean {
  return ch === undefined || /\s/u.test(ch);
}

/** Pairs emphasis markers with a stack (CommonMark's idea, simplified); unpaired markers stay text. */
function emphasis(atoms: Atom[]): Inline[] {
  const out: Inline[] = [];
  const stack: Opener[] = [];
  const open = { '*': 0, _: 0 };
  let buffer = '';
  const flushText = () => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };

  function close(char: '*' | '_', available: number): number {
    // The nearest opener of this character; the openers above it were never closed (text).
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      if (top.marker[0] === char) break;
      stack.pop();
      open[top.marker[0] as '*' | '_']--;
    }
    const top = stack[stack.length - 1];
    if (!top) return 0;
    const size = top.marker.length;
    if (size > available) return 0;
    stack.pop();
    open[char]--;
    const children = out.splice(top.index + 1);
    out.pop(); // the opener's placeholder
    if (children.length === 0) {
      // "****" is not an empty bold: put the markers back as text.
      out.push({ type: 'text', text: top.marker + top.marker });
      return size;
    }
    out.push({ type: size === 2 ? 'bold' : 'italic', children: mergeText(children) });
    return size;
  }

  for (let a = 0; a < atoms.length; a++) {
    const atom = atoms[a]!;
    if (atom.type !== 'text') {
      flushText();
      out.push(atom);
      continue;
    }
    const text = atom.text;
    let i = 0;
    while (i < text.length) {
      const ch = text[i]!;
      if (ch !== '*' && ch !== '_') {
        let next = i + 1;
        while (next < text.length && text[next] !== '*' && text[next] !== '_') next++;
        buffer += text.slice(i, next);
        i = next;
        continue;
      }
      let j = i;
      while (j < text.length && text[j] === ch) j++;
      let run = j - i;
      // Beside a code span or a link counts as beside a word.
      const before = i > 0 ? text[i - 1] : a > 0 ? 'x' : undefined;
      const after = j < text.length ? text[j] : a < atoms.length - 1 ? 'x' : undefined;
      let canOpen = !isSpace(after);
      let canClose = !isSpace(before);
      if (ch === '_') {
        // snake_case_names stay as they are
        canOpen = canOpen && !isWordChar(before);
        canClose = canClose && !isWordChar(after);
      }
      flushText();
      if (canClose && open[ch] > 0) {
        while (run > 0 && open[ch] > 0) {
          const used = close(ch, run);
          if (!used) break;
          run -= used;
        }
      }
      while (run > 0) {
        const size = canOpen && run >= 2 ? 2 : 1;
        const marker = ch.repeat(size) as Marker;
        out.push({ type: 'text', text: marker });
        if (canOpen && stack.length < MAX_DEPTH) {
          stack.push({ marker, index: out.length - 1 });
          open[ch]++;
        }
        run -= size;
      }
      i = j;
    }
  }
  flushText();
  return mergeText(out);
}

function mergeText(nodes: Inline[]): Inline[] {
  const merged: Inline[] = [];
  for (const node of nodes) {
    const last = merged[merged.length - 1];
    if (node.type === 'text' && last?.type === 'text')
      merged[merged.length - 1] = { type: 'text', text: last.text + node.text };
    else merged.push(node);
  }
  return merged;
}

/** One line's inline formatting. */
export function parseInline(line: string): Inline[] {
  const atoms: Atom[] = [];
  for (const atom of splitCode(line)) {
    if (atom.type === 'text') atoms.push(...splitLinks(atom.text));
    else atoms.push(atom);
  }
  return emphasis(atoms);
}

// ---------------------------------------------------------------------------------------------
// Plain text (previews, notifications, search)

function inlineText(nodes: Inline[]): string {
  let text = '';
  const stack: Inline[][] = [nodes];
  const index: number[] = [0];
  // Iterative: nesting is bounded, but a preview should never recurse on input.
  while (stack.length) {
    const list = stack[stack.length - 1]!;
    const at = index[index.length - 1]!;
    if (at >= list.length) {
      stack.pop();
      index.pop();
      continue;
    }
    index[index.length - 1] = at + 1;
    const node = list[at]!;
    if (node.type === 'bold' || node.type === 'italic') {
      stack.push(node.children);
      index.push(0);
    } else text += node.text;
  }
  return text;
}

/** The words without the markers: what a one-line preview shows. */
export function plainText(blocks: Block[]): string {
  return blocks
    .map((block) => (block.type === 'codeblock' ? block.text : block.lines.map((line) => inlineText(line)).join('\n')))
    .join('\n');
}

/** Markers stripped from a message's text (chat list, reply quotes, notifications). */
export function stripMarkdown(text: string): string {
  if (!/[*_`>[]/.test(text)) return text;
  return plainText(parseBlocks(text));
}
