-- Pins: a pinned message remembers when and by whom; a change of pin takes the conversation's next change
-- version like any other change of an old message, so pins reach every device through the change stream.
-- A tombstone is never pinned.
ALTER TABLE messages
    ADD COLUMN pinned_at timestamptz,
    ADD COLUMN pinned_by bigint REFERENCES users (id),
    ADD CONSTRAINT messages_pinned_live CHECK (pinned_at IS NULL OR deleted_at IS NULL);
CREATE INDEX messages_pins ON messages (conversation_id, pinned_at) WHERE pinned_at IS NOT NULL;

-- "Delete for me": a member hides one message from their own history on all of their devices. The hide
-- takes the conversation's next change version too (so the member's other devices find it in the change
-- stream); only its member ever sees it there.
CREATE TABLE message_hides (
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint NOT NULL CHECK (seq > 0),
    version         bigint NOT NULL CHECK (version > 0),
    hidden_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, message_id)
);
CREATE INDEX message_hides_changes ON message_hides (conversation_id, user_id, version, seq);
-- Live events of a changed message skip the members who hid it.
CREATE INDEX message_hides_message ON message_hides (message_id);
