export { createAuth, type Auth, type AuthDeps, type Authenticated, type IssuedSession } from './auth.js';
export { AuthKeyHasher } from './passwords.js';
export { SessionTokens, SESSION_COOKIE, type SessionClaims } from './tokens.js';
export type { AccountDeletionStep, SessionEvents } from './session-events.js';
