import { beforeEach, describe, expect, it } from 'vitest';
import { deriveKeys, generateUserKeys, openKeyBundle, publicKeysOf, sealKeyBundle } from '@herald/crypto';
import type { KdfParams, SelfUser } from '@herald/shared';
import { currentRing, useKeyState, wipeDeviceKeys } from '../../lib/e2ee';
import { http } from '../../lib/http';
import { selfUser } from '../../test-support/fixtures';
import { fakeServer } from '../../test-support/network';
import { useAuth } from './store';

/** The real key derivation at a test cost, on the main thread (jsdom has no Worker). */
const KDF: KdfParams = {
  algorithm: 'argon2id',
  memoryKiB: 64,
  iterations: 1,
  parallelism: 1,
  salt: 'c2FsdHNhbHRzYWx0c2FsdHNhbHQ',
};
const { salt: _salt, ...DEFAULTS } = KDF;
const ID = 'a0000000-0000-4000-8000-000000000001';
const PASSWORD = 'correct horse battery staple';

async function accountWithKeys(password = PASSWORD): Promise<SelfUser> {
  const keys = generateUserKeys();
  const { encryptionKey } = await deriveKeys(password, KDF);
  return selfUser({
    id: ID as SelfUser['id'],
    username: 'alice',
    ...publicKeysOf(keys),
    encryptedPrivateKeys: sealKeyBundle(keys, encryptionKey),
  });
}

function server(user: () => SelfUser) {
  return fakeServer()
    .on('GET', '/api/auth/kdf-params', () => ({ data: { kdf: DEFAULTS } }))
    .on('GET', '/api/auth/prelogin', () => ({ data: { kdf: KDF } }))
    .on('POST', '/api/auth/login', () => ({ data: { user: user() } }))
    .on('GET', '/api/auth/me', () => ({ data: { user: user() } }))
    .on('POST', '/api/auth/logout', () => ({ data: null }));
}

beforeEach(async () => {
  await wipeDeviceKeys();
  useAuth.setState({ status: 'anonymous', me: null, passwordWork: null });
});

describe('accounts and keys (issue 9)', () => {
  it('registration makes the keys on the device and sends only the public keys and the sealed bundle', async () => {
    const net = fakeServer()
      .on('GET', '/api/auth/kdf-params', () => ({ data: { kdf: DEFAULTS } }))
      .on('POST', '/api/auth/register', (call) => {
        const body = call.body as { keys: { x25519PublicKey: string; ed25519PublicKey: string } };
        return { status: 201, data: { user: selfUser({ id: ID as SelfUser['id'], ...body.keys }) } };
      });
    await useAuth.getState().register({ username: 'alice', password: PASSWORD });
    const body = net.callsTo('POST', '/api/auth/register')[0]!.body as {
      authKey: string;
      kdf: KdfParams;
      keys: { x25519PublicKey: string; ed25519PublicKey: string; encryptedPrivateKeys: string };
    };
    const derived = await deriveKeys(PASSWORD, body.kdf);
    expect(body.authKey).toBe(derived.authKey);
    // The bundle opens with the password's encryption key (never sent) into the public keys sent.
    const opened = openKeyBundle(body.keys.encryptedPrivateKeys, derived.encryptionKey);
    expect(publicKeysOf(opened)).toEqual({
      x25519PublicKey: body.keys.x25519PublicKey,
      ed25519PublicKey: body.keys.ed25519PublicKey,
    });
    expect(JSON.stringify(body)).not.toContain(Buffer.from(derived.encryptionKey).toString('base64url'));
    expect(useAuth.getState().status).toBe('signed-in');
    expect(currentRing()?.publicKeys.x25519PublicKey).toBe(body.keys.x25519PublicKey);
  });

  it('sign-in opens the bundle; an account from before encryption makes its keys and sets them (with the auth key)', async () => {
    const withKeys = await accountWithKeys();
    server(() => withKeys);
    await useAuth.getState().login('alice', PASSWORD);
    expect(currentRing()?.publicKeys.x25519PublicKey).toBe(withKeys.x25519PublicKey);

    await useAuth.getState().logout();
    expect(currentRing()).toBeNull();
    expect(useKeyState.getState().status).toBe('none');

    const keyless = selfUser({ id: ID as SelfUser['id'], username: 'alice' });
    const net = server(() => keyless).on('PUT', '/api/users/me/keys', (call) => {
      const body = call.body as { x25519PublicKey: string; ed25519PublicKey: string };
      return { data: { userId: ID, ...body, keysChangedAt: '2026-03-10T10:00:00.000Z' } };
    });
    await useAuth.getState().login('alice', PASSWORD);
    const put = net.callsTo('PUT', '/api/users/me/keys')[0]!.body as {
      authKey: string;
      x25519PublicKey: string;
      encryptedPrivateKeys: string;
    };
    const derived = await deriveKeys(PASSWORD, KDF);
    expect(put.authKey).toBe(derived.authKey);
    expect(publicKeysOf(openKeyBundle(put.encryptedPrivateKeys, derived.encryptionKey)).x25519PublicKey).toBe(
      put.x25519PublicKey,
    );
    expect(useAuth.getState().me?.encryptedPrivateKeys).toBe(put.encryptedPrivateKeys);
    expect(currentRing()?.publicKeys.x25519PublicKey).toBe(put.x25519PublicKey);
  });

  it('a bundle that does not belong to the public keys is refused at sign-in', async () => {
    const other = await accountWithKeys();
    const stranger = publicKeysOf(generateUserKeys());
    server(() => ({ ...other, ...stranger }));
    await expect(useAuth.getState().login('alice', PASSWORD)).rejects.toThrow(/do not match/);
    expect(currentRing()).toBeNull();
  });

  it('with a session but no device copy the app is locked until the password opens the keys', async () => {
    const account = await accountWithKeys();
    server(() => account);
    await useAuth.getState().bootstrap();
    expect(useAuth.getState().status).toBe('locked');
    expect(useKeyState.getState().status).toBe('locked');
    await expect(useAuth.getState().unlock('wrong password')).rejects.toThrow('That password is not right; try again.');
    expect(useAuth.getState().status).toBe('locked');
    await useAuth.getState().unlock(PASSWORD);
    expect(useAuth.getState().status).toBe('signed-in');
    expect(currentRing()?.publicKeys.ed25519PublicKey).toBe(account.ed25519PublicKey);
  });

  it('a password change sends the same keys sealed under the new password', async () => {
    const account = await accountWithKeys();
    const next = 'a new and longer passphrase';
    let newKdf: KdfParams | undefined;
    const net = server(() => account).on('POST', '/api/auth/change-password', (call) => {
      newKdf = (call.body as { newKdf: KdfParams }).newKdf;
      return { data: { user: account } };
    });
    useAuth.setState({ status: 'signed-in', me: account });
    await useAuth.getState().changePassword(PASSWORD, next);
    const body = net.callsTo('POST', '/api/auth/change-password')[0]!.body as { encryptedPrivateKeys: string };
    const opened = openKeyBundle(body.encryptedPrivateKeys, (await deriveKeys(next, newKdf!)).encryptionKey);
    expect(publicKeysOf(opened).x25519PublicKey).toBe(account.x25519PublicKey);

    // A wrong current password is caught on the device (the bundle does not open).
    await expect(useAuth.getState().changePassword('wrong', next)).rejects.toThrow(
      'The current password is incorrect.',
    );
    expect(net.callsTo('POST', '/api/auth/change-password')).toHaveLength(1);
  });

  it('a 401 on any request while signed in ends the session here: the keys are wiped', async () => {
    const account = await accountWithKeys();
    server(() => account).on('GET', '/api/conversations', () => ({
      status: 401,
      error: { code: 'unauthenticated', message: 'Sign in to continue.' },
    }));
    await useAuth.getState().login('alice', PASSWORD);
    expect(currentRing()).not.toBeNull();
    await expect(http.get('/api/conversations')).rejects.toThrow();
    expect(useAuth.getState().status).toBe('anonymous');
    expect(currentRing()).toBeNull();
    expect(useKeyState.getState().status).toBe('none');
  });
});
