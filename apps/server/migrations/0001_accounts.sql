-- Accounts and sessions.

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL,
  display_name text NOT NULL,
  -- Argon2id hash of the client's auth key (itself derived from the password on the client).
  auth_hash text NOT NULL,
  -- The client's KDF parameters and salt: {algorithm, salt, memoryKiB, iterations, parallelism}.
  kdf jsonb NOT NULL,
  x25519_public_key text,
  ed25519_public_key text,
  encrypted_private_keys text,
  time_zone text NOT NULL DEFAULT 'UTC',
  -- Bumped on logout-everywhere, password change and deletion: older tokens stop working.
  token_version integer NOT NULL DEFAULT 0,
  last_seen_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);

-- Usernames are unique case-insensitively among live accounts; a deleted account frees its name.
CREATE UNIQUE INDEX users_username_live ON users (lower(username)) WHERE deleted_at IS NULL;
CREATE INDEX users_username_prefix ON users (lower(username) text_pattern_ops) WHERE deleted_at IS NULL;

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  user_agent text
);

CREATE INDEX sessions_live_by_user ON sessions (user_id) WHERE revoked_at IS NULL;
