-- Mentions: the members a group message names as @username, resolved by the server when the message is
-- stored or edited (members only; never the sender; none in a 1:1). Each member may keep mentions from
-- notifying them in a conversation they muted (they do by default).
ALTER TABLE messages ADD COLUMN mentions bigint[] NOT NULL DEFAULT '{}';
ALTER TABLE conversation_members ADD COLUMN mentions_when_muted boolean NOT NULL DEFAULT true;

CREATE FUNCTION mentioned_members(conversation bigint, sender bigint, names text[]) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}')
    FROM conversations c
    JOIN conversation_members m ON m.conversation_id = c.id
    JOIN users u ON u.id = m.user_id
    WHERE c.id = conversation AND c.kind = 'group' AND u.id <> sender AND u.deleted_at IS NULL
      AND lower(u.username) = ANY(names)
$$;

-- Forwarding: a forward is a new message that remembers whom it came from (sender_id null when that person
-- is not visible to the conversation it went to); its files are the original's, shared by reference, so a
-- file may now be carried by several messages (each conversation's members see it through their own).
ALTER TABLE messages ADD COLUMN forwarded_from jsonb;
ALTER TABLE message_attachments DROP CONSTRAINT message_attachments_file_id_key;
CREATE INDEX message_attachments_file ON message_attachments (file_id);
