-- Reactions: one row per (message, user, emoji), so an add is idempotent and nobody reacts twice with the
-- same emoji; messages keep the aggregate as shown (emoji, count, the first three reactors), rewritten in
-- the transaction of each change, which also takes the conversation's next change version (0007).
CREATE TABLE message_reactions (
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      text NOT NULL CHECK (length(emoji) BETWEEN 1 AND 64),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (message_id, user_id, emoji)
);
CREATE INDEX message_reactions_by_user ON message_reactions (user_id, message_id);

ALTER TABLE messages ADD COLUMN reactions jsonb NOT NULL DEFAULT '[]';
