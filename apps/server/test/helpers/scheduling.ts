import type { Conversation, ScheduledMessage } from '@herald/shared';
import type { TestApp } from './app.js';
import type { TestUser } from './client.js';
import { isSealed, sealContent, type SealOptions } from './e2ee.js';

/** An RFC 3339 UTC time `ms` after the test clock's now. */
export const inMs = (t: TestApp, ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

/**
 * The direct chat with `receiverId`, opened first if need be (a scheduled message's envelope names
 * its conversation, so the chat must exist before sealing: what the web client does too).
 * Undefined when the server will not open it (e.g. a deleted or unknown receiver).
 */
export async function ensureDirectChat(user: TestUser, receiverId: string): Promise<string | undefined> {
  const res = await user.client.post<Conversation>('/api/conversations/direct', { userId: receiverId });
  return res.status === 200 || res.status === 201 ? res.body.data.id : undefined;
}

/**
 * A scheduled-message request body with its plaintext `content` sealed for the target
 * conversation's current members (`conversationId`, or the direct chat with `receiverId`, opened
 * first), shown to recipients as scheduled unless it says otherwise. `kind` follows `contentType`. Bodies whose content is absent or already sealed, or whose
 * conversation cannot be found, are returned as they are (the server then refuses them itself).
 */
export async function sealScheduledBody(
  user: TestUser,
  body: Record<string, unknown>,
  options: Omit<SealOptions, 'client'> = {},
): Promise<Record<string, unknown>> {
  // Recipients see scheduledMessageId only when the sender shows the message as scheduled (the
  // API's default hides it); tests find a delivered message by that id, so the helper shows it
  // unless the body says otherwise (scheduling-ux.test.ts covers the default).
  body = { showAsScheduled: true, ...body };
  const content = body.content;
  if (typeof content !== 'string' || isSealed(content)) return body;
  const conversationId =
    typeof body.conversationId === 'string'
      ? body.conversationId
      : typeof body.receiverId === 'string'
        ? await ensureDirectChat(user, body.receiverId)
        : undefined;
  if (!conversationId) return body;
  const kind = body.contentType === 'image' || body.contentType === 'video' ? body.contentType : 'text';
  return {
    ...body,
    content: await sealContent(user, conversationId, content, { client: user.client, kind, ...options }),
  };
}

/** Schedules `body` (its `content` plaintext, sealed here; see sealScheduledBody). */
export async function schedule(
  user: TestUser,
  body: Record<string, unknown>,
  options: Omit<SealOptions, 'client'> = {},
): Promise<ScheduledMessage> {
  const res = await user.client.post<ScheduledMessage>(
    '/api/scheduled-messages',
    await sealScheduledBody(user, body, options),
  );
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function getScheduled(user: TestUser, id: string): Promise<ScheduledMessage> {
  const res = await user.client.get<ScheduledMessage>(`/api/scheduled-messages/${id}`);
  if (res.status !== 200) throw new Error(`get scheduled: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
