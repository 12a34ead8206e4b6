import { act } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOCK_KEY, THEME_KEY, startPreferences, usePreferences } from './preferences';
import { formatClock, formatDateTime } from './time';

/** A matchMedia whose `prefers-color-scheme: dark` answer the test flips, telling listeners. */
function fakeSystemScheme(dark: boolean) {
  const listeners = new Set<() => void>();
  const state = { dark };
  vi.stubGlobal('matchMedia', (query: string) => ({
    get matches() {
      return query.includes('dark') ? state.dark : false;
    },
    media: query,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  }));
  return {
    set(next: boolean) {
      state.dark = next;
      for (const l of listeners) l();
    },
  };
}

const theme = () => document.documentElement.dataset.theme;

afterEach(() => vi.unstubAllGlobals());

describe('theme (issue 13, item 10)', () => {
  it('System is the default and follows the system scheme live', () => {
    const system = fakeSystemScheme(false);
    startPreferences();
    expect(usePreferences.getState().theme).toBe('system');
    expect(theme()).toBe('light');
    system.set(true);
    expect(theme()).toBe('dark');
    system.set(false);
    expect(theme()).toBe('light');
  });

  it('Dark and Light override the system and are stored on this device; System forgets the choice', () => {
    const system = fakeSystemScheme(false);
    startPreferences();
    act(() => usePreferences.getState().setTheme('dark'));
    expect(theme()).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    system.set(false);
    expect(theme()).toBe('dark'); // the system no longer decides
    act(() => usePreferences.getState().setTheme('light'));
    system.set(true);
    expect(theme()).toBe('light');
    act(() => usePreferences.getState().setTheme('system'));
    expect(theme()).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });

  it('a choice made in another tab applies here too', () => {
    fakeSystemScheme(false);
    startPreferences();
    localStorage.setItem(THEME_KEY, 'dark');
    window.dispatchEvent(new StorageEvent('storage', { key: THEME_KEY }));
    expect(theme()).toBe('dark');
    expect(usePreferences.getState().theme).toBe('dark');
  });
});

describe('clock (issue 13, item 10)', () => {
  const afternoon = Date.UTC(2026, 2, 14, 13, 5);

  it('24-hour and 12-hour apply to every formatted time, and are stored', () => {
    act(() => usePreferences.getState().setClock('24'));
    expect(formatClock(afternoon, 'UTC')).toBe('13:05');
    expect(formatDateTime(afternoon, 'UTC', afternoon)).toContain('13:05');
    expect(localStorage.getItem(CLOCK_KEY)).toBe('24');
    act(() => usePreferences.getState().setClock('12'));
    expect(formatClock(afternoon, 'UTC')).toMatch(/^1:05\s?PM$/i);
    expect(formatDateTime(afternoon, 'UTC', afternoon)).toMatch(/1:05\s?PM/i);
    act(() => usePreferences.getState().setClock('auto'));
    expect(localStorage.getItem(CLOCK_KEY)).toBeNull();
  });

  it('Automatic uses the locale’s own clock', () => {
    const locale = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
    expect(formatClock(afternoon, 'UTC')).toBe(locale.format(afternoon));
  });
});
