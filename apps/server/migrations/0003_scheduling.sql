-- Scheduled messages: the table is the queue (DESIGN section 5).

CREATE TABLE scheduled_messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  sender_id uuid NOT NULL REFERENCES users (id),
  -- Direct chats: the other member at scheduling time; null for groups.
  receiver_id uuid REFERENCES users (id),
  content text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('text', 'image', 'video')),
  media_id uuid REFERENCES media (id),
  is_one_time_media boolean NOT NULL DEFAULT false,
  view_limit integer,
  media_expiry_seconds integer,
  -- What the sender chose (UTC). Never moves except by an edit.
  scheduled_time timestamptz NOT NULL,
  -- When the dispatcher should next try: scheduled_time, then later on each retry.
  due_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
  retry_count integer NOT NULL DEFAULT 0,
  last_error text,
  failure_code text,
  failure_detail text,
  sent_at timestamptz,
  message_id uuid REFERENCES messages (id) ON DELETE SET NULL,
  cancelled_at timestamptz,
  -- Failed ones: when the sender saw the failure (header badge) and when they dismissed it.
  failure_seen_at timestamptz,
  dismissed_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  client_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((status = 'failed') = (failure_code IS NOT NULL)),
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

-- The dispatcher's only query path: O(batch) whatever the size of the table.
CREATE INDEX scheduled_messages_due ON scheduled_messages (due_at) WHERE status = 'pending';
CREATE UNIQUE INDEX scheduled_messages_client_id ON scheduled_messages (sender_id, client_id)
  WHERE client_id IS NOT NULL;
CREATE INDEX scheduled_messages_by_sender ON scheduled_messages (sender_id, scheduled_time);
-- Quota counts (pending per sender, and per sender in a conversation) and the "N scheduled" badge.
CREATE INDEX scheduled_messages_pending_by_sender ON scheduled_messages (sender_id) WHERE status = 'pending';
CREATE INDEX scheduled_messages_pending_by_conversation ON scheduled_messages (conversation_id, sender_id)
  WHERE status = 'pending';
CREATE INDEX scheduled_messages_pending_by_receiver ON scheduled_messages (receiver_id)
  WHERE status = 'pending';

ALTER TABLE messages
  ADD CONSTRAINT messages_scheduled_message_fk FOREIGN KEY (scheduled_message_id)
  REFERENCES scheduled_messages (id) ON DELETE SET NULL;

-- Batches in flight, written outside their delivery transaction (committed at once) and deleted
-- by it: a record that outlives its transaction means the process died mid-delivery. Rows of such
-- a batch become suspects, delivered one per transaction; one that keeps killing its process is
-- failed instead of blocking the queue. No foreign key on purpose: it would take locks that
-- conflict with FOR UPDATE.
CREATE TABLE scheduled_delivery_batches (
  id uuid PRIMARY KEY,
  scheduled_ids uuid[] NOT NULL,
  claimed_at timestamptz NOT NULL
);
