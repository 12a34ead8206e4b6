import { create } from 'zustand';
import { registerReset } from './resets';

/**
 * Per-device display preferences (localStorage, never sent to the server): the colour theme, the
 * clock (12 or 24 hours) and whether the account's time zone follows this device.
 *
 * The theme is applied as `data-theme="light|dark"` on <html>. `public/theme-boot.js`, a classic
 * script in <head> (CSP `script-src 'self'`, no inline script), sets it before the first paint
 * from the same storage key, so a dark page never flashes light. This module keeps it current
 * afterwards: when the person picks another theme, and, with "System", when the system's
 * `prefers-color-scheme` changes while the page is open. The stylesheet has one set of dark
 * variables, keyed on `[data-theme='dark']` only.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type ClockPreference = 'auto' | '12' | '24';

export const THEME_KEY = 'herald.theme';
export const CLOCK_KEY = 'herald.clock';
export const ZONE_FOLLOWS_DEVICE_KEY = 'herald.zone-follows-device';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}
function write(key: string, value: string) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage full or denied (private mode): the choice holds for this page only.
  }
}

function readTheme(): ThemePreference {
  const value = read(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}
function readZoneFollowsDevice(): boolean | null {
  const value = read(ZONE_FOLLOWS_DEVICE_KEY);
  return value === 'true' ? true : value === 'false' ? false : null;
}
function readClock(): ClockPreference {
  const value = read(CLOCK_KEY);
  return value === '12' || value === '24' ? value : 'auto';
}

export function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

export function resolvedTheme(theme: ThemePreference): 'light' | 'dark' {
  if (theme === 'system') return systemPrefersDark() ? 'dark' : 'light';
  return theme;
}

/** Sets `data-theme` (and the browser's theme colour) for this preference, now. */
export function applyTheme(theme: ThemePreference) {
  const resolved = resolvedTheme(theme);
  const root = document.documentElement;
  if (root.dataset.theme !== resolved) root.dataset.theme = resolved;
  const meta = document.querySelector<HTMLMetaElement>('meta[name="theme-color"]');
  if (meta) meta.content = resolved === 'dark' ? '#0b1215' : '#0f766e';
}

interface PreferencesState {
  theme: ThemePreference;
  clock: ClockPreference;
  /**
   * The account's zone is kept equal to this device's. null until decided: on when the account's
   * zone is this device's (a new account), off when it was set to another one before this setting
   * existed (features/auth/device-zone.ts decides, once).
   */
  zoneFollowsDevice: boolean | null;
  setTheme: (theme: ThemePreference) => void;
  setClock: (clock: ClockPreference) => void;
  setZoneFollowsDevice: (on: boolean) => void;
}

export const usePreferences = create<PreferencesState>((set) => ({
  theme: readTheme(),
  clock: readClock(),
  zoneFollowsDevice: readZoneFollowsDevice(),
  setTheme: (theme) => {
    if (theme === 'system') {
      try {
        window.localStorage.removeItem(THEME_KEY);
      } catch {
        // as in write()
      }
    } else write(THEME_KEY, theme);
    applyTheme(theme);
    set({ theme });
  },
  setClock: (clock) => {
    if (clock === 'auto') {
      try {
        window.localStorage.removeItem(CLOCK_KEY);
      } catch {
        // as in write()
      }
    } else write(CLOCK_KEY, clock);
    set({ clock });
  },
  setZoneFollowsDevice: (on) => {
    write(ZONE_FOLLOWS_DEVICE_KEY, String(on));
    set({ zoneFollowsDevice: on });
  },
}));

/** The hour cycle the clock preference asks for, or undefined for the locale's own. */
export function hourCycleOf(clock: ClockPreference): 'h12' | 'h23' | undefined {
  return clock === '12' ? 'h12' : clock === '24' ? 'h23' : undefined;
}

let stopPreferences: (() => void) | null = null;
registerReset(() => {
  stopPreferences?.();
  stopPreferences = null;
  if (typeof document !== 'undefined') delete document.documentElement.dataset.theme;
});
/**
 * Applies the stored theme and follows the system's scheme while "System" is chosen; also
 * follows a change made in another tab of this browser. Called once from main.tsx.
 */
export function startPreferences() {
  if (stopPreferences) return;
  applyTheme(usePreferences.getState().theme);
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null;
  const onSystemChange = () => {
    const { theme } = usePreferences.getState();
    if (theme === 'system') applyTheme(theme);
  };
  const onStorage = (event: StorageEvent) => {
    if (event.key === THEME_KEY) {
      const theme = readTheme();
      applyTheme(theme);
      usePreferences.setState({ theme });
    } else if (event.key === CLOCK_KEY) usePreferences.setState({ clock: readClock() });
  };
  media?.addEventListener('change', onSystemChange);
  window.addEventListener('storage', onStorage);
  stopPreferences = () => {
    media?.removeEventListener('change', onSystemChange);
    window.removeEventListener('storage', onStorage);
  };
}
