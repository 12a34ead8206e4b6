import { useState, type ReactNode } from 'react';
import { IconButton } from '../components/ui/button';
import { PlusIcon, ScheduledAllIcon, SettingsIcon } from '../components/ui/icons';
import { useDeviceZoneSync } from '../features/auth/device-zone';
import { useAuth, useMyTimeZone } from '../features/auth/store';
import { ConversationList } from '../features/conversations/components/conversation-list';
import { ConversationAvatar } from '../features/media/components/group-picture';
import { NewChatDialog } from '../features/conversations/components/new-chat-dialog';
import { NotificationPrompt } from '../features/notifications/components/permission-prompt';
import { useConnection } from './connection';
import { NotificationWiring } from './notifications';
import { navigate, paths, type Route } from './router';

/** Sidebar (chats) + main pane; on a phone one of the two at a time. */
export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const me = useAuth((s) => s.me);
  const timeZone = useMyTimeZone();
  const connection = useConnection((s) => s.status);
  const [newChat, setNewChat] = useState(false);
  useDeviceZoneSync();
  if (!me) return null;
  const failures = me.unseenFailedScheduled;
  const inPane = route.name !== 'home';

  return (
    <div className={`shell ${inPane ? 'shell-pane-open' : ''}`}>
      <aside className="sidebar" aria-label="Chats and navigation">
        <header className="sidebar-header">
          <a
            href={paths.home}
            className="brand"
            onClick={(e) => {
              e.preventDefault();
              navigate(paths.home);
            }}
          >
            <span className="brand-mark" aria-hidden="true">
              H
            </span>
            <span className="brand-name">Herald</span>
          </a>
          <div className="sidebar-actions">
            <IconButton
              label={failures ? `Scheduled messages, ${failures} failed` : 'Scheduled messages'}
              badge={failures}
              className={route.name === 'scheduled' ? 'active' : ''}
              onClick={() => navigate(paths.scheduled)}
            >
              <ScheduledAllIcon />
            </IconButton>
            <IconButton label="New chat" onClick={() => setNewChat(true)}>
              <PlusIcon />
            </IconButton>
            <IconButton
              label="Settings"
              className={route.name === 'settings' ? 'active' : ''}
              onClick={() => navigate(paths.settings)}
            >
              <SettingsIcon />
            </IconButton>
          </div>
        </header>
        {failures > 0 ? (
          <button type="button" className="failure-banner" onClick={() => navigate(paths.scheduled)}>
            {failures === 1 ? 'A scheduled message failed' : `${failures} scheduled messages failed`} · Review
          </button>
        ) : null}
        {connection === 'offline' ? (
          <div className="offline-banner" role="status">
            Reconnecting…
          </div>
        ) : null}
        <ConversationList
          myId={me.id}
          timeZone={timeZone}
          activeId={route.name === 'chat' ? route.id : null}
          hrefFor={(id) => paths.chat(id)}
          onOpen={(id) => navigate(paths.chat(id))}
          renderAvatar={(conversation, avatar) => <ConversationAvatar conversation={conversation} {...avatar} />}
        />
        <footer className="sidebar-footer muted">
          Signed in as <strong>{me.displayName}</strong> · {timeZone.replace(/_/g, ' ')}
        </footer>
      </aside>
      <main className="main-pane">
        <NotificationPrompt />
        {children}
      </main>
      <NotificationWiring route={route} />
      {newChat ? (
        <NewChatDialog
          onClose={() => setNewChat(false)}
          onCreated={(conversation) => {
            setNewChat(false);
            navigate(paths.chat(conversation.id));
          }}
        />
      ) : null}
    </div>
  );
}
