-- Group pictures (issue 13, item 9), end-to-end encrypted like any file: the picture is an image
-- upload sealed on the client with its own key (media.storage_key holds opaque bytes), and the key
-- travels in picture_envelope, a message envelope (kind 'image') sealed for the members when it
-- was set and checked by the server like a message's (recipients = the current members). Members
-- who joined later cannot open it and see the initials until an admin sets a picture again.
-- The media row is attached (attached_at) when set; a replaced or removed picture's blob is
-- deleted at once (media.deleted_at), so the picture never counts as unattached.
ALTER TABLE conversations
  ADD COLUMN picture_media_id uuid REFERENCES media (id),
  ADD COLUMN picture_envelope text,
  ADD COLUMN picture_set_by uuid REFERENCES users (id) ON DELETE SET NULL,
  ADD COLUMN picture_updated_at timestamptz,
  ADD CONSTRAINT conversations_picture_whole
    CHECK ((picture_media_id IS NULL) = (picture_envelope IS NULL));

CREATE UNIQUE INDEX conversations_picture_media ON conversations (picture_media_id) WHERE picture_media_id IS NOT NULL;
