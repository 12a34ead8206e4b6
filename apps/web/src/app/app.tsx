import { lazy, Suspense, useEffect } from 'react';
import { Toasts } from '../components/ui/toasts';
import { AuthScreen } from '../features/auth/components/auth-screen';
import { UnlockScreen } from '../features/auth/components/unlock-screen';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { useScheduling } from '../features/scheduling/store';
import { useConfig } from './config';
import { connectRealtime } from './realtime';
import { navigate, paths, useRoute } from './router';
import { Shell } from './shell';
import { wireAutoReseal, wireMediaWipe, wireScheduledCounts } from './wiring';

const ChatScreen = lazy(() => import('./chat-screen'));
const ScheduledScreen = lazy(() => import('./scheduled-screen'));
const SettingsScreen = lazy(() => import('./settings-screen'));

/** The root: session bootstrap, then either the sign-in screens or the signed-in shell. */
export function App() {
  const status = useAuth((s) => s.status);
  // Chats load and the realtime connection opens only once the keys are open on this device.
  const myId = useAuth((s) => (s.status === 'signed-in' ? s.me?.id : undefined));
  const route = useRoute();

  useEffect(() => {
    useAuth
      .getState()
      .bootstrap()
      .catch(() => {});
    useConfig
      .getState()
      .load()
      .catch(() => {});
    const unwire = wireScheduledCounts();
    const unwireMedia = wireMediaWipe();
    const flush = () => useScheduling.getState().flushCancels();
    window.addEventListener('pagehide', flush);
    return () => {
      unwire();
      unwireMedia();
      window.removeEventListener('pagehide', flush);
    };
  }, []);

  // Signed in: load the chats and open the realtime connection, once per user.
  useEffect(() => {
    if (!myId) return;
    useConversations
      .getState()
      .load()
      .catch(() => {});
    const disconnect = connectRealtime(myId);
    const unwireReseal = wireAutoReseal(myId);
    return () => {
      unwireReseal();
      disconnect();
    };
  }, [myId]);

  // Keep the address bar honest about where we are.
  useEffect(() => {
    if (status === 'anonymous' && route.name !== 'login' && route.name !== 'register') {
      navigate(paths.login, { replace: true });
    }
    if (status === 'signed-in' && (route.name === 'login' || route.name === 'register')) {
      navigate(paths.home, { replace: true });
    }
  }, [status, route.name]);

  if (status === 'loading') {
    return (
      <div className="splash" aria-busy="true">
        <span className="brand-mark" aria-hidden="true">
          H
        </span>
        <span className="sr-only">Loading Herald</span>
      </div>
    );
  }

  if (status === 'locked') {
    return (
      <>
        <UnlockScreen />
        <Toasts />
      </>
    );
  }

  if (status === 'anonymous') {
    return (
      <>
        <AuthScreen
          mode={route.name === 'register' ? 'register' : 'login'}
          onSwitchMode={(mode) => navigate(mode === 'register' ? paths.register : paths.login)}
        />
        <Toasts />
      </>
    );
  }

  return (
    <>
      <Shell route={route}>
        <Suspense fallback={<div className="pane-loading muted">Loading…</div>}>
          {route.name === 'chat' ? (
            <ChatScreen key={route.id} conversationId={route.id} panel={route.panel} focusMessageId={route.focus} />
          ) : route.name === 'scheduled' ? (
            <ScheduledScreen />
          ) : route.name === 'settings' ? (
            <SettingsScreen />
          ) : (
            <div className="empty-pane">
              <div className="empty-pane-art" aria-hidden="true">
                <span className="brand-mark">H</span>
              </div>
              <h2>Pick a chat</h2>
              <p className="muted">Or start a new one. Write now, or schedule it for exactly the right moment.</p>
            </div>
          )}
        </Suspense>
      </Shell>
      <Toasts />
    </>
  );
}
