import { connect } from 'node:net';
import type { Outcome } from './case.js';

/**
 * HTTP spoken by hand over TCP, for requests no client library sends: a Content-Length that lies
 * about the body, a body cut off mid-stream. Resolves with the first answer's status (and code,
 * if its body is our envelope), or `closed` when the server closed without answering.
 */
export function rawRequest(
  baseUrl: string,
  head: string,
  body: Buffer,
  options: { endAfterBody?: boolean } = {},
): Promise<Outcome> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer and not closed within 10 s'));
    }, 10_000);
    const settle = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!status) return resolve({ kind: 'closed', reason: text ? `not HTTP: ${text.slice(0, 40)}` : 'closed' });
      const code = /"code":"([a-z_]+)"/.exec(text)?.[1];
      resolve({ kind: 'http', status: Number(status[1]), code, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', settle);
    socket.on('error', () => {}); // a reset after the answer still settles through 'close'
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body);
      if (options.endAfterBody) socket.end();
    });
    // Without endAfterBody the server decides when to close (after answering, Connection: close).
  });
}
