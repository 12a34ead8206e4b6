import { useEffect, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { notificationsActive, useNotificationSettings } from '../settings';
import { playChime, unlockSound } from '../sound';

/** How to undo "Block" in the browser (the page cannot ask again once blocked). */
const UNBLOCK_HINT =
  'Notifications are blocked for Herald in this browser. To allow them, click the icon at the left of the address bar (the lock or the sliders), open “Site settings” or “Permissions”, set Notifications to “Allow”, then reload this page.';

/**
 * Notifications on this device: on/off (asks the browser the first time), the message preview,
 * the sound, and what to do when the browser blocked them. Stored per device (localStorage).
 */
export function NotificationSettings() {
  const s = useNotificationSettings();
  const [asking, setAsking] = useState(false);
  const active = notificationsActive(s);

  // The permission can change in the browser's own settings while this page is open.
  useEffect(() => {
    s.syncPermission();
    const sync = () => useNotificationSettings.getState().syncPermission();
    window.addEventListener('focus', sync);
    document.addEventListener('visibilitychange', sync);
    return () => {
      window.removeEventListener('focus', sync);
      document.removeEventListener('visibilitychange', sync);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  async function turnOn() {
    setAsking(true);
    try {
      await s.enable();
    } finally {
      setAsking(false);
    }
  }

  const status =
    s.permission === 'unsupported'
      ? 'This browser cannot show notifications for web pages.'
      : s.permission === 'denied'
        ? UNBLOCK_HINT
        : active
          ? 'On: new messages show a notification while Herald is open in a tab, even in the background.'
          : 'Off on this device.';

  return (
    <section className="settings-section notification-settings" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <p
        className={`notification-status ${s.permission === 'denied' ? 'notification-status-blocked' : ''}`}
        role="status"
      >
        {status}
      </p>
      {s.permission === 'unsupported' || s.permission === 'denied' ? null : active ? (
        <div>
          <Button onClick={() => s.set({ enabled: false })}>Turn off notifications</Button>
        </div>
      ) : (
        <div>
          <Button variant="primary" busy={asking} onClick={() => void turnOn()}>
            Turn on notifications
          </Button>
        </div>
      )}
      <label className="check-row">
        <input type="checkbox" checked={s.preview} onChange={(e) => s.set({ preview: e.target.checked })} />
        <span>
          Show who wrote and what
          <small className="muted block">Off: notifications say only “New message”.</small>
        </span>
      </label>
      <label className="check-row">
        <input
          type="checkbox"
          checked={s.sound}
          onChange={(e) => {
            s.set({ sound: e.target.checked });
            if (e.target.checked) {
              unlockSound();
              playChime();
            }
          }}
        />
        <span>
          Play a sound
          <small className="muted block">A short chime for each new message (not for muted chats).</small>
        </span>
      </label>
      <small className="muted">
        These settings are for this device only. Mute a chat from its menu (⋯) to silence it everywhere.
      </small>
    </section>
  );
}
