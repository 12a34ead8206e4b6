import type { ChangePasswordBody } from '@herald/shared';
import { AppError } from '../../lib/app-error.js';
import type { AuthDeps, IssuedSession } from './auth-deps.js';
import { markUserDeleted, revokeAllSessions, selectCredentialsById, updateCredentials } from './auth.sql.js';
import { assertKdfIsCurrent } from './kdf.js';

type Issue = (userId: string, tokenVersion: number, userAgent?: string) => Promise<IssuedSession>;

/**
 * Checks the password's auth key of a signed-in user, for actions a stolen session alone must
 * not be able to take (setting keys, deleting the account): 401 invalid_credentials when wrong.
 */
export async function verifyAuthKey(
  { db, hasher }: AuthDeps,
  userId: string,
  authKey: string,
  wrong = 'The password is incorrect.',
) {
  const credentials = await selectCredentialsById(db, userId);
  if (!credentials || !(await hasher.verify(credentials.authHash, authKey))) {
    throw new AppError('invalid_credentials', wrong);
  }
  return credentials;
}

/**
 * Re-keys the account; every other device is signed out (`sessionsEnded` as soon as that has
 * committed, before this device's new session is issued), this one gets a fresh session. The
 * private keys are sealed under the password, so an account with keys must send them re-sealed
 * under the new one (the public keys stay); one without keys has nothing to re-seal.
 */
export async function changePassword(
  deps: AuthDeps,
  issue: Issue,
  sessionsEnded: () => void,
  userId: string,
  body: ChangePasswordBody,
  userAgent?: string,
): Promise<IssuedSession> {
  assertKdfIsCurrent(body.newKdf, deps.kdfDefaults);
  const credentials = await verifyAuthKey(deps, userId, body.currentAuthKey, 'The current password is incorrect.');
  if (credentials.hasKeys && body.encryptedPrivateKeys === undefined) {
    throw new AppError(
      'validation_failed',
      'Send encryptedPrivateKeys: your private keys re-sealed under the new password (without them they could not be opened after the change).',
      [{ path: 'encryptedPrivateKeys', message: 'required for an account with keys' }],
    );
  }
  if (!credentials.hasKeys && body.encryptedPrivateKeys !== undefined) {
    throw new AppError(
      'validation_failed',
      'This account has no keys yet: change the password without encryptedPrivateKeys, or create keys first (PUT /api/users/me/keys).',
      [{ path: 'encryptedPrivateKeys', message: 'the account has no keys' }],
    );
  }
  const authHash = await deps.hasher.hash(body.newAuthKey);
  const tokenVersion = await deps.db
    .transaction(async (tx) => {
      await updateCredentials(tx, userId, authHash, body.newKdf, body.encryptedPrivateKeys);
      return revokeAllSessions(tx, userId);
    })
    .finally(sessionsEnded);
  const session = await issue(userId, tokenVersion, userAgent);
  deps.sessionEvents.userSessionsEnded(userId, session.sessionId);
  return session;
}

/**
 * Marks the account deleted and runs every module's deletion step in the same transaction
 * (leave groups, fail pending scheduled messages); their events go out after commit.
 */
export async function deleteAccount(deps: AuthDeps, userId: string, authKey: string): Promise<void> {
  await verifyAuthKey(deps, userId, authKey);
  const now = deps.clock.now();
  const afterCommit = await deps.db.transaction(async (tx) => {
    await markUserDeleted(tx, userId, now);
    const later: (() => void)[] = [];
    for (const step of deps.accountDeletionSteps) {
      const after = await step(tx, userId, now);
      if (after) later.push(after);
    }
    return later;
  });
  deps.sessionEvents.userSessionsEnded(userId);
  for (const run of afterCommit) run();
}
