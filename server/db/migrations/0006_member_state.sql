-- Each member's own handling of a conversation, kept on the server so that every device of theirs agrees:
-- pinned to the top of the list (and since when, the newest pin first), muted (no notifications), marked
-- unread by hand, and deleted from their list until a message after hidden_through_seq arrives.
ALTER TABLE conversation_members
    ADD COLUMN pinned_at          timestamptz,
    ADD COLUMN muted              boolean NOT NULL DEFAULT false,
    ADD COLUMN marked_unread      boolean NOT NULL DEFAULT false,
    ADD COLUMN hidden_through_seq bigint CHECK (hidden_through_seq >= 0);
