import { useEffect } from 'react';
import { usePreferences } from '../../lib/preferences';
import { browserTimeZone } from '../../lib/time';
import { useAuth } from './store';

/**
 * "Use this device's time zone" (settings, on by default): while on, the account's zone (what
 * scheduled times are picked and shown in, and what others see as my local time) follows this
 * device: checked when the app starts and whenever the tab shows again (a laptop that travelled).
 * Undecided (the setting never touched on this device): on when the account is already in this
 * device's zone, off when it was set to another zone, which is then kept.
 */
export async function syncDeviceZone(): Promise<void> {
  const { status, me, updateProfile } = useAuth.getState();
  if (status !== 'signed-in' || !me) return;
  const device = browserTimeZone();
  const prefs = usePreferences.getState();
  let follows = prefs.zoneFollowsDevice;
  if (follows === null) {
    follows = me.timeZone === device;
    prefs.setZoneFollowsDevice(follows);
  }
  if (follows && me.timeZone !== device) await updateProfile({ timeZone: device });
}

/** Mounted once by the signed-in shell. */
export function useDeviceZoneSync() {
  const signedIn = useAuth((s) => s.status === 'signed-in');
  const follows = usePreferences((s) => s.zoneFollowsDevice);
  useEffect(() => {
    if (!signedIn) return;
    const run = () => {
      syncDeviceZone().catch(() => {
        // Offline or refused: the account keeps its zone; tried again when the tab shows again.
      });
    };
    run();
    const onVisible = () => {
      if (document.visibilityState === 'visible') run();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [signedIn, follows]);
}
