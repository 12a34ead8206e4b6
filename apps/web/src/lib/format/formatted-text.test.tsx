import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FormattedText } from './formatted-text';

function html(text: string, highlight?: string) {
  const { container } = render(
    <div className="msg-text">
      <FormattedText text={text} highlight={highlight} />
    </div>,
  );
  return container.firstElementChild as HTMLElement;
}

describe('FormattedText: formatting as React elements, never markup from the text', () => {
  it('renders bold, italic, code, code blocks, quotes and links', () => {
    const el = html('**b** *i* `c`\n> q\n```\npre\n```\nsee https://example.com/x');
    expect(el.querySelector('strong')?.textContent).toBe('b');
    expect(el.querySelector('em')?.textContent).toBe('i');
    expect(el.querySelector('code.md-code')?.textContent).toBe('c');
    expect(el.querySelector('blockquote')?.textContent).toBe('q');
    expect(el.querySelector('pre code')?.textContent).toBe('pre');
    const link = el.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://example.com/x');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.getAttribute('target')).toBe('_blank');
  });

  it('HTML in a message stays text', () => {
    const el = html('<img src=x onerror="alert(1)"> <script>alert(2)</script> **<b>x</b>**');
    expect(el.querySelector('img, script, b')).toBeNull();
    expect(el.textContent).toBe('<img src=x onerror="alert(1)"> <script>alert(2)</script> <b>x</b>');
  });

  it('dangerous addresses are never links', () => {
    const el = html(
      '[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [d](vbscript:x) [e](file:///etc/passwd) javascript:alert(3) [f](java\tscript:alert(1)) [g](&#106;avascript:alert(1))',
    );
    expect(el.querySelectorAll('a')).toHaveLength(0);
    expect(el.textContent).toContain('[a](javascript:alert(1))');
  });

  it('keeps line breaks between lines', () => {
    expect(html('one\ntwo\n\nthree').textContent).toBe('one\ntwo\n\nthree');
  });

  it('marks search matches, ignoring case and accents, inside formatting too', () => {
    const el = html('Le **CAFÉ** et le café', 'cafe');
    const marks = [...el.querySelectorAll('mark')].map((m) => m.textContent);
    expect(marks).toEqual(['CAFÉ', 'café']);
    expect(el.querySelector('strong mark')).not.toBeNull();
    expect(html('nothing', 'cafe').querySelector('mark')).toBeNull();
  });
});
