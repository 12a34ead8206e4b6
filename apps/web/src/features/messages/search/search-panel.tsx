import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { IconButton } from '../../../components/ui/button';
import { ArrowDownIcon, CloseIcon, SearchIcon } from '../../../components/ui/icons';
import { foldQuery, snippet } from '../../../lib/format/match';
import { formatDateTime, formatInZone } from '../../../lib/time';
import { PAGE_SIZE } from '../api';
import { emptyTimeline, useMessages } from '../store';
import { searchMessages, type SearchHit } from './run';
import { useMessageSearch } from './store';

export interface SearchPanelProps {
  conversationId: string;
  timeZone: string;
  myId: string;
  nameOf: (userId: string) => string;
  /** Scroll the timeline to this message and highlight it. */
  onJump: (messageId: string) => void;
}

/** Older pages opened per step before asking ("Search older messages"). */
export const PAGES_PER_STEP = 4;
const DEBOUNCE_MS = 200;
export const MIN_QUERY = 2;

/** Resolves when the timeline's page being fetched has come (or failed). */
function loaded(conversationId: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = useMessages.subscribe((s) => {
      if (!(s.timelines[conversationId] ?? emptyTimeline).loadingOlder) {
        stop();
        resolve();
      }
    });
  });
}

type Status = { kind: 'idle' } | { kind: 'searching' } | { kind: 'done' } | { kind: 'error'; message: string };

/**
 * Search one conversation's history on this device (the server cannot read it): the loaded
 * messages are opened and matched first, then older pages are fetched and opened, a few at a time,
 * with how far back it has looked. Results newest first; Enter / arrows go through them, and each
 * pick jumps the timeline to the message.
 */
export function SearchPanel({ conversationId, timeZone, myId, nameOf, onJump }: SearchPanelProps) {
  const query = useMessageSearch((s) => s.query);
  const setQuery = useMessageSearch((s) => s.setQuery);
  const close = useMessageSearch((s) => s.close);
  const hasOlder = useMessages((s) => (s.timelines[conversationId] ?? emptyTimeline).nextCursor !== null);
  const oldest = useMessages((s) => (s.timelines[conversationId] ?? emptyTimeline).messages[0]?.createdAt ?? null);
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [current, setCurrent] = useState(-1);
  const [showList, setShowList] = useState(true);
  const [step, setStep] = useState(0);
  const stepBase = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const folded = foldQuery(query);

  useEffect(() => {
    input.current?.focus();
  }, []);

  // A new query starts again from what is loaded.
  useEffect(() => {
    setStep(0);
    setCurrent(-1);
    setShowList(true);
  }, [folded]);

  useEffect(() => {
    let stopped = false;
    const cancelled = () => stopped;
    if (folded.length < MIN_QUERY) {
      setHits([]);
      setStatus({ kind: 'idle' });
      return;
    }
    setStatus({ kind: 'searching' });
    const timer = setTimeout(() => {
      void (async () => {
        const store = useMessages.getState;
        const messagesNow = () => (store().timelines[conversationId] ?? emptyTimeline).messages;
        try {
          let found = await searchMessages(messagesNow(), folded, cancelled);
          if (found === null) return;
          setHits(found);
          // A query looks through what is loaded and at least PAGES_PER_STEP pages; each "Search
          // older messages" looks PAGES_PER_STEP pages further back.
          const target = (step === 0 ? 0 : stepBase.current) + PAGES_PER_STEP * PAGE_SIZE;
          for (;;) {
            const t = store().timelines[conversationId] ?? emptyTimeline;
            if (!t.nextCursor || t.messages.length >= target) break;
            if (t.loadingOlder) {
              // The timeline is fetching that page already (scrolled up): wait for it.
              await loaded(conversationId);
              continue;
            }
            await store().loadOlder(conversationId);
            if (cancelled()) return;
            const after = store().timelines[conversationId] ?? emptyTimeline;
            if (after.nextCursor === t.nextCursor)
              throw new Error(after.error ?? 'Older messages could not be loaded.');
            found = await searchMessages(messagesNow(), folded, cancelled);
            if (found === null) return;
            setHits(found);
          }
          setStatus({ kind: 'done' });
        } catch (error) {
          if (!cancelled())
            setStatus({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
        }
      })();
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      stopped = true;
    };
  }, [folded, step, conversationId]);

  function go(index: number) {
    const hit = hits[index];
    if (!hit) return;
    setCurrent(index);
    onJump(hit.message.id);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'Enter' || event.key === 'ArrowUp') {
      // Enter and up: the next older match; shift+Enter and down: newer.
      event.preventDefault();
      if (hits.length === 0) return;
      if (event.shiftKey) go(Math.max(0, current - 1));
      else go(Math.min(hits.length - 1, current + 1));
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (hits.length) go(Math.max(0, current - 1));
    }
  }

  const searching = status.kind === 'searching';
  const enough = folded.length >= MIN_QUERY;
  let progress: string | null = null;
  if (enough) {
    const back = oldest ? formatInZone(oldest, timeZone, { day: 'numeric', month: 'long', year: 'numeric' }) : null;
    if (status.kind === 'error') progress = `Search stopped: ${status.message}`;
    else if (searching) progress = back ? `Searching… back to ${back}` : 'Searching…';
    else if (!hasOlder) progress = 'Searched the whole chat.';
    else if (back) progress = `Searched back to ${back}.`;
  }

  return (
    <div className="chat-search" role="search" aria-label="Search this chat">
      <div className="chat-search-bar">
        <SearchIcon size={18} className="muted" aria-hidden="true" />
        <input
          ref={input}
          type="search"
          className="chat-search-input"
          placeholder="Search this chat"
          aria-label="Search this chat"
          aria-controls={listId}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
        />
        {enough ? (
          <span className="chat-search-count muted" aria-live="polite">
            {hits.length === 0
              ? searching
                ? ''
                : 'No results'
              : current >= 0
                ? `${current + 1} of ${hits.length}`
                : `${hits.length} ${hits.length === 1 ? 'result' : 'results'}`}
          </span>
        ) : null}
        <IconButton
          label="Older match"
          className="icon-btn-sm chat-search-up"
          disabled={hits.length === 0 || current >= hits.length - 1}
          onClick={() => go(current + 1)}
        >
          <ArrowDownIcon size={16} style={{ transform: 'rotate(180deg)' }} />
        </IconButton>
        <IconButton
          label="Newer match"
          className="icon-btn-sm"
          disabled={hits.length === 0 || current <= 0}
          onClick={() => go(current - 1)}
        >
          <ArrowDownIcon size={16} />
        </IconButton>
        <IconButton label="Close search" className="icon-btn-sm" onClick={close}>
          <CloseIcon size={16} />
        </IconButton>
      </div>
      {enough && (progress || (hasOlder && !searching)) ? (
        <div className="chat-search-progress muted">
          <span role="status">{progress}</span>
          {hasOlder && !searching && status.kind !== 'error' ? (
            <button
              type="button"
              className="link"
              onClick={() => {
                stepBase.current = (useMessages.getState().timelines[conversationId] ?? emptyTimeline).messages.length;
                setStep((s) => s + 1);
              }}
            >
              Search older messages
            </button>
          ) : null}
          {hits.length > 0 ? (
            <button type="button" className="link chat-search-toggle" onClick={() => setShowList((v) => !v)}>
              {showList ? 'Hide results' : 'Show results'}
            </button>
          ) : null}
        </div>
      ) : null}
      {enough && showList && hits.length > 0 ? (
        <ul className="chat-search-results" id={listId} aria-label="Search results">
          {hits.map((hit, index) => {
            const s = snippet(hit.text, hit.range);
            const who = hit.message.senderId === myId ? 'You' : nameOf(hit.message.senderId);
            return (
              <li key={hit.message.id}>
                <button
                  type="button"
                  className={`chat-search-result ${index === current ? 'current' : ''}`}
                  aria-current={index === current ? 'true' : undefined}
                  onClick={() => {
                    go(index);
                    setShowList(false);
                  }}
                >
                  <span className="chat-search-result-top">
                    <strong>{who}</strong>
                    <time className="muted" dateTime={hit.message.createdAt}>
                      {formatDateTime(hit.message.createdAt, timeZone)}
                    </time>
                  </span>
                  <span className="chat-search-snippet">
                    {s.before}
                    <mark className="search-hit">{s.match}</mark>
                    {s.after}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
