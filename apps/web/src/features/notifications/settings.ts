import { create } from 'zustand';
import { registerReset } from '../../lib/resets';

/**
 * Notification settings, per device (localStorage, never sent to the server: one person may want
 * them on the laptop and not on a shared screen). Off until the person turns them on, which asks
 * the browser's permission from that click (browsers refuse, or quietly block, a request made
 * without a user gesture, and one made on load is the classic reason people click "Block").
 *
 * - `enabled`: show notifications (needs the browser's permission as well);
 * - `preview`: show the sender and the decrypted text; off = "New message" only (the words never
 *   reach the system's notification centre or the lock screen);
 * - `sound`: a short chime made with WebAudio (no file), off by default: sound is easy to turn on
 *   and annoying to discover;
 * - `promptDismissed`: "Not now" on the banner that offers them after the first message I send.
 */
export interface NotificationSettings {
  enabled: boolean;
  preview: boolean;
  sound: boolean;
  promptDismissed: boolean;
}

export type PermissionState = NotificationPermission | 'unsupported';

export const NOTIFICATION_SETTINGS_KEY = 'herald.notifications';

const DEFAULTS: NotificationSettings = { enabled: false, preview: true, sound: false, promptDismissed: false };

function readSettings(): NotificationSettings {
  try {
    const raw = window.localStorage.getItem(NOTIFICATION_SETTINGS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (!parsed || typeof parsed !== 'object') return { ...DEFAULTS };
    const stored = parsed as Record<string, unknown>;
    const flag = (key: keyof NotificationSettings) => (typeof stored[key] === 'boolean' ? stored[key] : DEFAULTS[key]);
    return {
      enabled: flag('enabled'),
      preview: flag('preview'),
      sound: flag('sound'),
      promptDismissed: flag('promptDismissed'),
    };
  } catch {
    return { ...DEFAULTS };
  }
}

function writeSettings(settings: NotificationSettings): void {
  try {
    window.localStorage.setItem(NOTIFICATION_SETTINGS_KEY, JSON.stringify(settings));
  } catch {
    // Storage full or denied (private mode): the choice holds for this page only.
  }
}

/** The browser's permission now ('unsupported' without the Notification API, e.g. iOS Safari tabs). */
export function currentPermission(): PermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

interface NotificationSettingsState extends NotificationSettings {
  permission: PermissionState;
  /** This tab sent a message: the moment to offer notifications (once, if not decided yet). */
  sentSomething: boolean;
  set: (patch: Partial<NotificationSettings>) => void;
  /** Re-reads the permission (it can change in the browser's site settings at any time). */
  syncPermission: () => void;
  /**
   * Turns notifications on: asks the browser (call it from a click) and keeps them on only if it
   * allows. Answers the permission.
   */
  enable: () => Promise<PermissionState>;
  noteSent: () => void;
}

export const useNotificationSettings = create<NotificationSettingsState>()((set, get) => ({
  ...readSettings(),
  permission: currentPermission(),
  sentSomething: false,
  set: (patch) => {
    set(patch);
    const { enabled, preview, sound, promptDismissed } = get();
    writeSettings({ enabled, preview, sound, promptDismissed });
  },
  syncPermission: () => {
    const permission = currentPermission();
    if (permission !== get().permission) set({ permission });
  },
  enable: async () => {
    let permission = currentPermission();
    if (permission === 'default') {
      try {
        permission = await Notification.requestPermission();
      } catch {
        permission = currentPermission();
      }
    }
    set({ permission });
    get().set({ enabled: permission === 'granted', promptDismissed: true });
    return permission;
  },
  noteSent: () => {
    if (!get().sentSomething) set({ sentSomething: true });
  },
}));

// Tests: each starts from what its own localStorage says (setup.ts clears it).
registerReset(() => useNotificationSettings.setState({ ...readSettings(), permission: currentPermission() }));

/** Whether this device shows notifications now: on here, and allowed by the browser. */
export function notificationsActive(s: Pick<NotificationSettingsState, 'enabled' | 'permission'>): boolean {
  return s.enabled && s.permission === 'granted';
}

/** The banner offering notifications: after my first send, while nothing was decided on this device. */
export function shouldOfferNotifications(
  s: Pick<NotificationSettingsState, 'enabled' | 'permission' | 'promptDismissed' | 'sentSomething'>,
): boolean {
  // Also when the browser already allows them (granted to this site before): Herald's own switch is off.
  return (
    s.sentSomething && !s.enabled && !s.promptDismissed && (s.permission === 'default' || s.permission === 'granted')
  );
}
