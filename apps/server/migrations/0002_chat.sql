-- Chat core: conversations, members, messages, receipts, reactions, media, blocks.

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('direct', 'group')),
  title text,
  created_by uuid REFERENCES users (id),
  -- Direct chats: "<smaller uuid>:<larger uuid>", so that a second create finds the first.
  direct_key text UNIQUE,
  temporary_ttl_seconds integer CHECK (temporary_ttl_seconds IN (3600, 86400, 604800, 7776000)),
  -- No last-message or activity columns: both are read from messages (messages_page index), so
  -- that a send writes only the message row.
  created_at timestamptz NOT NULL,
  CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
);

CREATE TABLE conversation_members (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at timestamptz NOT NULL,
  -- Null while a member; set when they leave, are removed, or delete their account.
  left_at timestamptz,
  left_reason text CHECK (left_reason IN ('left', 'removed', 'account_deleted')),
  -- Receipts as per-member watermarks over messages.seq: every message at or below
  -- delivered_seq reached one of the member's devices; at or below read_seq was read. The unread
  -- count is the number of others' messages above read_seq (counted on read, not kept up to date
  -- on every send).
  delivered_seq bigint NOT NULL DEFAULT 0,
  delivered_at timestamptz,
  read_seq bigint NOT NULL DEFAULT 0,
  read_at timestamptz,
  -- Per-user "delete chat": hidden until a message newer than hidden_at arrives; history before
  -- history_from stays hidden for this member.
  hidden_at timestamptz,
  history_from timestamptz,
  PRIMARY KEY (conversation_id, user_id)
);

CREATE INDEX conversation_members_by_user ON conversation_members (user_id) WHERE left_at IS NULL;

CREATE TABLE blocks (
  blocker_id uuid NOT NULL REFERENCES users (id),
  blocked_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker_id, blocked_id),
  CHECK (blocker_id <> blocked_id)
);

CREATE INDEX blocks_by_blocked ON blocks (blocked_id);

CREATE TABLE media (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  uploader_id uuid NOT NULL REFERENCES users (id),
  kind text NOT NULL CHECK (kind IN ('image', 'video')),
  mime_type text NOT NULL,
  size bigint NOT NULL,
  -- Server-generated name of the blob in storage; never derived from user input.
  storage_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  -- Set when a message or scheduled message takes it; an attached blob cannot be reused.
  attached_at timestamptz,
  -- Set when the blob is gone from storage (expired, one-time views used up, purged).
  deleted_at timestamptz
);

CREATE INDEX media_unattached ON media (created_at) WHERE attached_at IS NULL AND deleted_at IS NULL;
CREATE INDEX media_by_uploader ON media (uploader_id) WHERE deleted_at IS NULL;

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- A total order for pagination cursors and receipt watermarks (identity: unique by construction).
  seq bigint GENERATED ALWAYS AS IDENTITY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sender_id uuid NOT NULL REFERENCES users (id),
  content text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('text', 'image', 'video')),
  media_id uuid REFERENCES media (id),
  is_one_time_media boolean NOT NULL DEFAULT false,
  view_limit integer,
  media_expiry_seconds integer,
  media_expires_at timestamptz,
  reply_to_id uuid REFERENCES messages (id) ON DELETE SET NULL,
  client_id text,
  created_at timestamptz NOT NULL,
  -- Temporary mode: the server deletes the message at this time.
  expires_at timestamptz,
  -- The idempotency key of scheduled delivery: one message per scheduled message, ever.
  scheduled_message_id uuid,
  scheduled_time timestamptz
);

-- Unique keys that only some messages have are partial, so that most inserts skip them.
CREATE UNIQUE INDEX messages_scheduled_message_id ON messages (scheduled_message_id)
  WHERE scheduled_message_id IS NOT NULL;
CREATE UNIQUE INDEX messages_media_id ON messages (media_id) WHERE media_id IS NOT NULL;
CREATE UNIQUE INDEX messages_client_id ON messages (sender_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_page ON messages (conversation_id, seq DESC);
CREATE INDEX messages_expiring ON messages (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE reactions (
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  emoji text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);

-- One-time media: fetches per recipient, counted atomically.
CREATE TABLE media_views (
  message_id uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  views integer NOT NULL,
  last_viewed_at timestamptz NOT NULL,
  PRIMARY KEY (message_id, user_id)
);
