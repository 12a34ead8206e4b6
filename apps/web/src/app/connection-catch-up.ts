import type { Message } from '@herald/shared';
import { useAuth } from '../features/auth/store';
import { useConversations } from '../features/conversations/store';
import { messagesApi } from '../features/messages/api';
import { useMessages } from '../features/messages/store';
import { useScheduling } from '../features/scheduling/store';

/*
 * Catching up: what happened while this page had no connection, fetched over HTTP and merged by
 * id. The realtime bridge runs it on every connect the server did not recover (the first one too:
 * what happened between the page's first requests and its socket's connect was sent to no one).
 *
 * A list fetched meanwhile shows the server at one instant of its request; live events keep
 * arriving during it. The chat list replaces what the store held, so the messages and removals
 * that arrived while it was on its way are applied again on top of it when they are newer than
 * what it shows (a message counted in it is not counted twice). Timelines and scheduled lists
 * merge by id and version, so an answer older than a live event changes nothing there.
 */

interface LiveDuringCatchUp {
  messages: Message[];
  removed: string[];
}

const catchUpsInFlight = new Set<LiveDuringCatchUp>();

/** The realtime bridge reports every message and removal here (kept only while a catch-up runs). */
export function noteLiveMessage(message: Message): void {
  for (const live of catchUpsInFlight) live.messages.push(message);
}

export function noteLiveRemoval(conversationId: string): void {
  for (const live of catchUpsInFlight) live.removed.push(conversationId);
}

/** The chat list again, then what arrived while it was on its way and is newer than it. */
async function catchUpChatList(applyToChatList: (message: Message) => void): Promise<void> {
  const live: LiveDuringCatchUp = { messages: [], removed: [] };
  catchUpsInFlight.add(live);
  try {
    await useConversations.getState().load();
  } finally {
    catchUpsInFlight.delete(live);
  }
  const listed = useConversations.getState().byId;
  for (const id of live.removed) useConversations.getState().remove(id);
  for (const message of live.messages) {
    const last = listed[message.conversationId]?.lastMessage;
    if (last && message.seq <= last.seq) continue; // in the list already, and counted
    applyToChatList(message);
  }
}

const latestPage = async (conversationId: string) =>
  useMessages.getState().mergeLatestPage(conversationId, await messagesApi.page(conversationId));

/** The latest page of the other timelines held whose chat's last message is not in them (they missed some). */
async function catchUpOtherTimelines(activeConversationId: string | null): Promise<void> {
  const { timelines } = useMessages.getState();
  const chats = useConversations.getState().byId;
  const behind = Object.keys(timelines).filter((id) => {
    const last = chats[id]?.lastMessage;
    return id !== activeConversationId && last && !timelines[id]!.messages.some((m) => m.id === last.id);
  });
  await Promise.allSettled(behind.map(latestPage));
}

let latest: Promise<void> = Promise.resolve();

/** Settles when the latest catch-up has (tests wait for it rather than for its requests). */
export function caughtUp(): Promise<void> {
  return latest;
}

/**
 * Catches up once: chats (last message, unread counts), me, timelines, and the scheduled lists
 * loaded on this page. `applyToChatList` puts a live message in the chat list as the bridge does.
 */
export function catchUp(options: {
  activeConversationId: string | null;
  applyToChatList: (message: Message) => void;
}): Promise<void> {
  latest = catchUpAll(options);
  return latest;
}

async function catchUpAll(options: {
  activeConversationId: string | null;
  applyToChatList: (message: Message) => void;
}): Promise<void> {
  const scheduling = useScheduling.getState();
  const scheduled = Object.keys(scheduling.loaded).map((key) => scheduling.load(key === 'all' ? undefined : key));
  const { activeConversationId } = options;
  await Promise.allSettled([
    // The chat on screen at once (receipts and reactions moved too); the others once the chat
    // list says which are behind.
    ...(activeConversationId ? [latestPage(activeConversationId)] : []),
    catchUpChatList(options.applyToChatList).finally(() => catchUpOtherTimelines(activeConversationId)),
    useAuth.getState().refreshMe(),
    ...scheduled,
  ]);
}
