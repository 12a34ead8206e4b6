import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { BellIcon } from '../../../components/ui/icons';
import { shouldOfferNotifications, useNotificationSettings } from '../settings';

/**
 * The offer to turn on notifications, shown once after I send my first message (never on load: a
 * permission prompt out of nowhere is what people block). "Turn on" asks the browser from that
 * click; "Not now" hides it on this device (the settings still offer it).
 */
export function NotificationPrompt() {
  const offer = useNotificationSettings(shouldOfferNotifications);
  const [asking, setAsking] = useState(false);
  if (!offer && !asking) return null;
  return (
    <div className="notification-prompt" role="region" aria-label="Notifications">
      <BellIcon size={18} className="notification-prompt-icon" />
      <p>Get a notification when a message arrives while Herald is in another tab?</p>
      <div className="notification-prompt-actions">
        <Button
          size="sm"
          variant="primary"
          busy={asking}
          onClick={() => {
            setAsking(true);
            void useNotificationSettings
              .getState()
              .enable()
              .finally(() => setAsking(false));
          }}
        >
          Turn on
        </Button>
        <Button
          size="sm"
          variant="ghost"
          onClick={() => useNotificationSettings.getState().set({ promptDismissed: true })}
        >
          Not now
        </Button>
      </div>
    </div>
  );
}
