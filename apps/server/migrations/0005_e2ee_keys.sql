-- End-to-end encryption (DESIGN section 7): when a user's public keys were last set, so that
-- contacts can tell a changed key from one they already know. Null until the account has keys.

ALTER TABLE users ADD COLUMN keys_changed_at timestamptz;

-- Accounts that registered with keys before this column existed set them when they registered.
UPDATE users SET keys_changed_at = created_at WHERE x25519_public_key IS NOT NULL AND deleted_at IS NULL;

-- Delivery strips the wrapped keys of members gone since a message was scheduled: it reads a
-- conversation's former members for every row it delivers, so find them without reading the
-- current ones.
CREATE INDEX conversation_members_former ON conversation_members (conversation_id) WHERE left_at IS NOT NULL;
