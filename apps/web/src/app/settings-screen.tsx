import { IconButton } from '../components/ui/button';
import { BackIcon } from '../components/ui/icons';
import { AccountSettings } from '../features/auth/components/account-settings';
import { BlockedUsers } from '../features/conversations/components/blocked-users';
import { NotificationSettings } from '../features/notifications/components/notification-settings';
import { navigate, paths } from './router';
import { AppearanceSection } from './settings-appearance';

export default function SettingsScreen() {
  return (
    <div className="page">
      <header className="page-header">
        <IconButton label="Back to chats" className="back-btn" onClick={() => navigate(paths.home)}>
          <BackIcon />
        </IconButton>
        <h1>Settings</h1>
      </header>
      <div className="page-body">
        <AccountSettings afterProfile={<AppearanceSection />} />
        <NotificationSettings />
        <BlockedUsers />
      </div>
    </div>
  );
}
