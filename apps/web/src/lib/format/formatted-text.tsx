import { Fragment, memo, useMemo, type ReactNode } from 'react';
import { findMatches, foldQuery } from './match';
import { parseBlocks, type Inline } from './markdown';

export interface FormattedTextProps {
  text: string;
  /** Words to mark (search): case- and diacritic-insensitive, in the text as shown. */
  highlight?: string | null;
}

function marked(text: string, query: string, key: string): ReactNode {
  if (!query) return text;
  const ranges = findMatches(text, query);
  if (ranges.length === 0) return text;
  const parts: ReactNode[] = [];
  let at = 0;
  ranges.forEach(([start, end], n) => {
    if (start > at) parts.push(text.slice(at, start));
    parts.push(
      <mark key={`${key}-m${n}`} className="search-hit">
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

function renderInline(nodes: Inline[], query: string, key: string): ReactNode[] {
  return nodes.map((node, n) => {
    const k = `${key}.${n}`;
    switch (node.type) {
      case 'text':
        return <Fragment key={k}>{marked(node.text, query, k)}</Fragment>;
      case 'bold':
        return <strong key={k}>{renderInline(node.children, query, k)}</strong>;
      case 'italic':
        return <em key={k}>{renderInline(node.children, query, k)}</em>;
      case 'code':
        return (
          <code key={k} className="md-code">
            {marked(node.text, query, k)}
          </code>
        );
      case 'link':
        // Only http, https and mailto addresses reach here (safeHref); React sets href as an
        // attribute, never as markup. noopener: the page opened cannot reach this one.
        return (
          <a key={k} href={node.href} target="_blank" rel="noopener noreferrer" className="md-link">
            {marked(node.text, query, k)}
          </a>
        );
    }
  });
}

function lines(list: Inline[][], query: string, key: string): ReactNode[] {
  const out: ReactNode[] = [];
  list.forEach((line, n) => {
    if (n > 0) out.push('\n');
    out.push(...renderInline(line, query, `${key}:${n}`));
  });
  return out;
}

/**
 * A message's text with its formatting (lib/format/markdown.ts), as React elements only: no
 * innerHTML anywhere, so the text can never become markup. Keeps line breaks (the container is
 * `white-space: pre-wrap`).
 */
export const FormattedText = memo(function FormattedText({ text, highlight }: FormattedTextProps) {
  const blocks = useMemo(() => parseBlocks(text), [text]);
  const query = highlight ? foldQuery(highlight) : '';
  return (
    <>
      {blocks.map((block, n) => {
        const key = `b${n}`;
        if (block.type === 'codeblock') {
          return (
            <pre key={key} className="md-pre">
              <code>{marked(block.text, query, key)}</code>
            </pre>
          );
        }
        if (block.type === 'quote') {
          return (
            <blockquote key={key} className="md-quote">
              {lines(block.lines, query, key)}
            </blockquote>
          );
        }
        // Paragraphs are inline: a newline separates them from what comes next.
        return (
          <Fragment key={key}>
            {lines(block.lines, query, key)}
            {n < blocks.length - 1 && blocks[n + 1]?.type === 'paragraph' ? '\n' : null}
          </Fragment>
        );
      })}
    </>
  );
});
