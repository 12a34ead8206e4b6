import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import type { Conversation, Message } from '@herald/shared';
import { onPostgres } from './helpers/db.js';
import { HttpUser } from './helpers/http.js';
import { startServerProcess, waitForHttp } from './helpers/process.js';
import { connectSocket } from './helpers/socket.js';

const redisUrl = inject('redisUrl');

describe.runIf(onPostgres() && redisUrl)('two server processes sharing PostgreSQL and Redis', () => {
  it('delivers a message sent through process B to a user connected to process A', async () => {
    const template = inject('pgTemplate')!;
    const name = `herald_cluster_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.database}`);
    const url = new URL(template.baseUrl);
    url.pathname = `/${name}`;
    const env = {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl!,
      JWT_SECRET: 'cluster-secret-cluster-secret-cluster-secret',
      HERALD_DATA_DIR: `/tmp/${name}`,
      KDF_MEMORY_KIB: '8',
      KDF_ITERATIONS: '1',
      AUTH_HASH_MEMORY_KIB: '8',
      AUTH_HASH_ITERATIONS: '1',
      LOG_LEVEL: 'warn',
    };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      await Promise.all([waitForHttp(a), waitForHttp(b)]);
      const alice = await new HttpUser(a.baseUrl).register(`alice${name.slice(-6)}`);
      const bob = await new HttpUser(b.baseUrl).register(`bob${name.slice(-6)}`);
      const chat = await bob.call<Conversation>('POST', '/api/conversations/direct', { userId: alice.id });
      expect(chat.status).toBe(201);
      const aliceSocket = await connectSocket(a.baseUrl, alice.cookie);
      // Bob's process also sees Alice online, through Redis.
      const seen = await bob.call<Conversation>('GET', `/api/conversations/${chat.data.id}`);
      expect(seen.data.members.find((m) => m.user.id === alice.id)!.user.online).toBe(true);
      const sent = await bob.call<Message>('POST', `/api/conversations/${chat.data.id}/messages`, {
        content: await bob.seal(chat.data.id, 'across processes'),
      });
      expect(sent.status).toBe(201);
      const received = await aliceSocket.next('receive_message', (m) => m.id === sent.data.id);
      expect(received.content).toBe(sent.data.content);
      expect(await alice.open(received)).toBe('across processes');
      // And a logout on process B disconnects Alice's socket on process A.
      const aliceOnB = new HttpUser(b.baseUrl);
      aliceOnB.cookie = alice.cookie;
      const gone = new Promise<string>((resolve) => aliceSocket.socket.once('disconnect', resolve));
      await aliceOnB.call('POST', '/api/auth/logout-all');
      expect(await gone).toBe('io server disconnect');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
