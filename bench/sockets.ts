/**
 * Recipients' sockets for the workloads measured at the client (W4, W6): socket.io-client on the
 * websocket transport with the user's session cookie, connected a few dozen at a time. A handshake
 * refused as busy (the server sheds load when its database pool is spent, answering with
 * retryAfterSeconds) is retried after that delay, as the web client does: hundreds of handshakes
 * at once on a loaded 2-core machine meet it, and the workloads measure delivery, not sign-in.
 */
import type { Message } from '@herald/shared';
import { io, type Socket } from 'socket.io-client';

const CONNECTING_AT_ONCE = 32;
const MAX_ATTEMPTS = 20;

function connectOne(baseUrl: string, cookie: string, onMessage: (m: Message) => void): Promise<Socket> {
  const socket = io(baseUrl, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  socket.on('receive_message', onMessage);
  return new Promise<Socket>((resolve, reject) => {
    let attempts = 0;
    socket.on('connect', () => resolve(socket));
    socket.on('connect_error', (error: Error & { data?: { retryAfterSeconds?: number } }) => {
      const retryAfter = error.data?.retryAfterSeconds;
      if (retryAfter === undefined || ++attempts >= MAX_ATTEMPTS) {
        socket.close();
        reject(error);
        return;
      }
      setTimeout(() => socket.connect(), retryAfter * 1000);
    });
  });
}

/** Connects one socket per user (user i to `baseUrls[i % n]`); `onMessage(i, m)` for each receipt. */
export async function connectRecipients(
  baseUrls: readonly string[],
  cookies: readonly string[],
  onMessage: (index: number, m: Message) => void,
): Promise<Socket[]> {
  const sockets: Socket[] = new Array<Socket>(cookies.length);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: CONNECTING_AT_ONCE }, async () => {
        for (let i = next++; i < cookies.length; i = next++) {
          sockets[i] = await connectOne(baseUrls[i % baseUrls.length]!, cookies[i]!, (m) => onMessage(i, m));
        }
      }),
    );
  } catch (error) {
    for (const s of sockets) s?.disconnect();
    throw error;
  }
  return sockets;
}
