-- Changes to old messages reach every device: each conversation counts its changes (change_version, bumped
-- by one in the transaction of each edit, deletion, or other change of existing messages), and each message
-- remembers the version of its last change (0: unchanged since it was sent). "Changes after version V" is
-- then the messages whose version is above V, each once, in its current state.
-- Replies: reply_to_seq names a message of the same conversation; reply_to is its summary as shown in the
-- quote (seq, sender_id, snippet, deleted), rewritten when the original is edited or deleted.
ALTER TABLE conversations ADD COLUMN change_version bigint NOT NULL DEFAULT 0;

ALTER TABLE messages
    ADD COLUMN version      bigint NOT NULL DEFAULT 0,
    ADD COLUMN reply_to_seq bigint CHECK (reply_to_seq > 0),
    ADD COLUMN reply_to     jsonb;

CREATE INDEX messages_changes ON messages (conversation_id, version) WHERE version > 0;
CREATE INDEX messages_replies ON messages (conversation_id, reply_to_seq) WHERE reply_to_seq IS NOT NULL;

-- The quote of a message: its text's first 100 characters on one line, else "Photo", "Video" or the first
-- file's name; no snippet once it is deleted.
CREATE FUNCTION reply_summary(o messages) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'seq', o.seq,
        'sender_id', o.sender_id,
        'deleted', o.deleted_at IS NOT NULL,
        'snippet', CASE
            WHEN o.deleted_at IS NOT NULL THEN NULL
            WHEN coalesce(btrim(o.body), '') <> '' THEN left(regexp_replace(btrim(o.body), '\s+', ' ', 'g'), 100)
            WHEN o.attachments->0->>'content_type' LIKE 'image/%' THEN 'Photo'
            WHEN o.attachments->0->>'content_type' LIKE 'video/%' THEN 'Video'
            ELSE o.attachments->0->>'name'
        END)
$$;
-- Reactions: one row per (message, user, emoji), so an add is idempotent and nobody reacts twice with the
-- same emoji; messages keep the aggregate as shown (emoji, count, the first three reactors), rewritten in
-- the transaction of each change, which also takes the conversation's next change version (above).
CREATE TABLE message_reactions (
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      text NOT NULL CHECK (length(emoji) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (message_id, user_id, emoji)
);
CREATE INDEX message_reactions_by_user ON message_reactions (user_id, message_id);

ALTER TABLE messages ADD COLUMN reactions jsonb NOT NULL DEFAULT '[]';
