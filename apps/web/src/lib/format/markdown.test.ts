import { describe, expect, it } from 'vitest';
import { parseBlocks, parseInline, safeHref, stripMarkdown, type Inline } from './markdown';

const text = (t: string): Inline => ({ type: 'text', text: t });

describe('safeHref: only http, https and mailto become links', () => {
  it.each([
    ['https://example.com/a?b=c#d', 'https://example.com/a?b=c#d'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://Example.com', 'https://example.com/'],
    ['www.example.com/x', 'https://www.example.com/x'],
    ['mailto:bob@example.com', 'mailto:bob@example.com'],
  ])('%s -> %s', (raw, href) => {
    expect(safeHref(raw)).toBe(href);
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\u0000script:alert(1)',
    '\u0001javascript:alert(1)',
    'javascript&#58;alert(1)',
    '&#106;avascript:alert(1)',
    '%6Aavascript:alert(1)',
    'javascript%3Aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.com',
    '//evil.example',
    '/relative',
    'http://',
    'https:// spaced.example',
    '',
  ])('refuses %j', (raw) => {
    expect(safeHref(raw)).toBeNull();
  });
});

describe('parseInline', () => {
  it('bold, italic (both markers), code', () => {
    expect(parseInline('a **b** *c* _d_ `e`')).toEqual([
      text('a '),
      { type: 'bold', children: [text('b')] },
      text(' '),
      { type: 'italic', children: [text('c')] },
      text(' '),
      { type: 'italic', children: [text('d')] },
      text(' '),
      { type: 'code', text: 'e' },
    ]);
  });

  it('nested markers', () => {
    expect(parseInline('**bold *and italic***')).toEqual([
      { type: 'bold', children: [text('bold '), { type: 'italic', children: [text('and italic')] }] },
    ]);
    expect(parseInline('***both***')).toEqual([
      { type: 'bold', children: [{ type: 'italic', children: [text('both')] }] },
    ]);
  });

  it('unclosed and unpaired markers stay as written', () => {
    expect(parseInline('**not closed')).toEqual([text('**not closed')]);
    expect(parseInline('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
    expect(parseInline('snake_case_name')).toEqual([text('snake_case_name')]);
    expect(parseInline('`open code')).toEqual([text('`open code')]);
    expect(parseInline('****')).toEqual([text('****')]);
    // Crossed markers: one pair wins, the other stays as written; no word is lost.
    expect(parseInline('*a **b* c**')).toEqual([text('*a '), { type: 'bold', children: [text('b* c')] }]);
  });

  it('markers inside code are text', () => {
    expect(parseInline('`**x**`')).toEqual([{ type: 'code', text: '**x**' }]);
  });

  it('bare links, with sentence punctuation left out', () => {
    expect(parseInline('see https://example.com/a_b_c.')).toEqual([
      text('see '),
      { type: 'link', href: 'https://example.com/a_b_c', text: 'https://example.com/a_b_c' },
      text('.'),
    ]);
    expect(parseInline('(www.example.com)')).toEqual([
      text('('),
      { type: 'link', href: 'https://www.example.com/', text: 'www.example.com' },
      text(')'),
    ]);
    expect(parseInline('https://en.wikipedia.org/wiki/Foo_(bar)')[0]).toMatchObject({
      type: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
    expect(parseInline('**https://example.com**')).toEqual([
      { type: 'bold', children: [{ type: 'link', href: 'https://example.com/', text: 'https://example.com' }] },
    ]);
    expect(parseInline('mail mailto:a@b.example')[1]).toMatchObject({ type: 'link', href: 'mailto:a@b.example' });
  });

  it('[text](url) for allowed addresses only; anything else is text', () => {
    expect(parseInline('[the docs](https://example.com/docs)')).toEqual([
      { type: 'link', href: 'https://example.com/docs', text: 'the docs' },
    ]);
    expect(parseInline('[click](javascript:alert(1))')).toEqual([text('[click](javascript:alert(1))')]);
    expect(parseInline('[click](JaVaScRiPt:alert(1))')).toEqual([text('[click](JaVaScRiPt:alert(1))')]);
    expect(parseInline('[x](data:text/html,hi)')).toEqual([text('[x](data:text/html,hi)')]);
    expect(parseInline('[x](java\tscript:alert(1))').every((n) => n.type === 'text')).toBe(true);
    expect(parseInline('[[[a](https://e.example)')).toEqual([
      text('[['),
      { type: 'link', href: 'https://e.example/', text: 'a' },
    ]);
  });

  it('never links a javascript: text, whatever its case or disguise', () => {
    for (const s of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x']) {
      expect(parseInline(s).some((n) => n.type === 'link')).toBe(false);
    }
  });
});

describe('parseBlocks', () => {
  it('quotes, code blocks and paragraphs', () => {
    expect(parseBlocks('> quoted\n>more\nplain\n```\ncode **x**\n```\nafter')).toEqual([
      { type: 'quote', lines: [[text('quoted')], [text('more')]] },
      { type: 'paragraph', lines: [[text('plain')]] },
      { type: 'codeblock', text: 'code **x**' },
      { type: 'paragraph', lines: [[text('after')]] },
    ]);
  });

  it('an unclosed fence is text; a one-line block works', () => {
    expect(parseBlocks('```\nnot code')).toEqual([{ type: 'paragraph', lines: [[text('```')], [text('not code')]] }]);
    expect(parseBlocks('```x = 1```')).toEqual([{ type: 'codeblock', text: 'x = 1' }]);
  });
});

describe('hostile inputs finish in linear time', () => {
  const cases: [string, string][] = [
    ['10,000 stars', '*'.repeat(10_000)],
    ['stars and letters', 'a*'.repeat(10_000)],
    ['nested openers', '*'.repeat(5000) + 'x' + '*'.repeat(5000)],
    ['underscores', '_a'.repeat(10_000)],
    ['brackets', '['.repeat(10_000) + '](' + ')'.repeat(10_000)],
    ['link-like', '[a](x '.repeat(3000) + ')'],
    ['backticks', '`'.repeat(10_000)],
    ['fences', '```\n'.repeat(5000)],
    ['quotes', '>'.repeat(10_000)],
    ['urls', 'http://a'.repeat(3000)],
    ['mixed', '*_`[>'.repeat(4000)],
  ];
  it.each(cases)('%s', (_name, input) => {
    const start = performance.now();
    const plain = stripMarkdown(input);
    parseBlocks(input);
    // Quadratic work on 10,000 characters would take seconds; linear takes milliseconds.
    expect(performance.now() - start).toBeLessThan(3000);
    expect(plain.length).toBeGreaterThan(0);
  });

  it('deep nesting is bounded', () => {
    let depth = 0;
    let nodes = parseInline('*'.repeat(5000) + 'x' + '*'.repeat(5000));
    while (nodes.length) {
      const inner = nodes.find((n): n is Extract<Inline, { children: Inline[] }> => 'children' in n);
      if (!inner) break;
      depth++;
      nodes = inner.children;
    }
    expect(depth).toBeLessThanOrEqual(8);
  });
});

describe('stripMarkdown (previews)', () => {
  it('keeps the words, drops the markers', () => {
    expect(stripMarkdown('**Bold** and _it_ `code` [docs](https://e.example)')).toBe('Bold and it code docs');
    expect(stripMarkdown('> quoted')).toBe('quoted');
    expect(stripMarkdown('2 * 3')).toBe('2 * 3');
  });
});
