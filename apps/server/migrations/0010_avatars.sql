-- Account avatars (issue 13, item 10). An avatar is public profile data like the display name (the
-- server already stores names in clear), so it is stored unencrypted: a small image the client
-- re-encodes (256x256 WebP or PNG), checked by the server (magic bytes PNG/WebP/JPEG, at most
-- 100 KB) and kept in the database (bytea: at this size a row is cheaper than a file and goes away
-- with the account). users.avatar_version is a random server-made token that versions the URL
-- (GET /api/users/:id/avatar?v=<token>), null when the user has no avatar.
ALTER TABLE users ADD COLUMN avatar_version text;

CREATE TABLE user_avatars (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/webp', 'image/jpeg')),
  bytes bytea NOT NULL CHECK (octet_length(bytes) BETWEEN 1 AND 102400),
  version text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
