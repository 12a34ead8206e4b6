import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { allTimeZones, offsetLabel } from '../../../lib/time';

/** How many matches the list draws at once (~420 zones in all): type more to narrow it down. */
export const ZONE_LIST_LIMIT = 60;

const label = (zone: string) => zone.replace(/_/g, ' ');

/**
 * Zones whose name (underscores read as spaces, any case) or current offset ("GMT+5:30") contains
 * every word typed. The offset is the one at `now`: what the zone is today.
 */
export function filterTimeZones(zones: readonly string[], query: string, now: number): string[] {
  return searchable(zones, now)(query);
}

/** The zones' search text made once (an offset per zone is the costly part), then a filter. */
function searchable(zones: readonly string[], now: number): (query: string) => string[] {
  const haystacks = zones.map((zone) => `${label(zone)} ${zone} ${offsetLabel(now, zone)}`.toLowerCase());
  return (query) => {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return [...zones];
    return zones.filter((_, i) => words.every((word) => haystacks[i]!.includes(word)));
  };
}

/**
 * A searchable zone picker (ARIA combobox): type to filter `Intl.supportedValuesOf('timeZone')`,
 * each zone with its current offset; arrows move, Enter or a click picks.
 */
export function TimeZonePicker(props: { value: string; onChange: (zone: string) => void; now: number }) {
  const { value, onChange, now } = props;
  const zones = useMemo(() => {
    const all = allTimeZones();
    return all.includes(value) ? all : [value, ...all];
  }, [value]);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  // The offsets are those of the minute the list opened with (now ticks every 30 s).
  const minute = Math.floor(now / 60_000) * 60_000;
  const search = useMemo(() => searchable(zones, minute), [zones, minute]);
  const matches = useMemo(() => search(query), [search, query]);
  const shown = matches.slice(0, ZONE_LIST_LIMIT);

  function pick(zone: string) {
    onChange(zone);
    setQuery('');
    setActive(0);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((i) => Math.min(i + 1, shown.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter' && query.trim()) {
      event.preventDefault();
      const zone = shown[active];
      if (zone) pick(zone);
    } else if (event.key === 'Escape' && query) {
      event.stopPropagation();
      setQuery('');
    }
  }

  return (
    <div className="zone-picker">
      <input
        type="search"
        role="combobox"
        aria-label="Search time zones"
        aria-expanded={query.trim() ? true : false}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={query.trim() && shown[active] ? `${listId}-${active}` : undefined}
        placeholder={`Search: city, region or offset (now ${label(value)})`}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {query.trim() ? (
        <ul id={listId} role="listbox" aria-label="Time zones" className="zone-picker-list">
          {shown.map((zone, i) => (
            <li
              key={zone}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={zone === value}
              className={i === active ? 'zone-option zone-option-active' : 'zone-option'}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(zone)}
            >
              <span className="zone-option-name">{label(zone)}</span>
              <span className="zone-option-offset">{offsetLabel(now, zone)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {query.trim() && matches.length === 0 ? (
        <p className="zone-picker-note">No time zone matches “{query.trim()}”.</p>
      ) : null}
      {query.trim() && matches.length > shown.length ? (
        <p className="zone-picker-note">{matches.length - shown.length} more: type more to narrow the list.</p>
      ) : null}
    </div>
  );
}
