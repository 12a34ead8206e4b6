import type { ScheduledMessage } from '@herald/shared';
import type { TestApp } from './app.js';
import type { TestUser } from './client.js';

/** An RFC 3339 UTC time `ms` after the test clock's now. */
export const inMs = (t: TestApp, ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

export async function schedule(user: TestUser, body: Record<string, unknown>): Promise<ScheduledMessage> {
  const res = await user.client.post<ScheduledMessage>('/api/scheduled-messages', body);
  if (res.status !== 201) throw new Error(`schedule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

export async function getScheduled(user: TestUser, id: string): Promise<ScheduledMessage> {
  const res = await user.client.get<ScheduledMessage>(`/api/scheduled-messages/${id}`);
  if (res.status !== 200) throw new Error(`get scheduled: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}
