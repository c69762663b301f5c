-- Files shared in messages, and profile pictures. The bytes live in the file store (server/files/) under
-- the file's id; this is what is known about them, who uploaded them and which message carries them.

CREATE TABLE files (
    -- 128 random bits as 32 hex digits: the store key, neither guessable nor derived from the user's name.
    id               text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
    uploader_id      bigint NOT NULL REFERENCES users (id),
    -- The user's file name cleaned for display (server/files/names.py): no path, no control characters.
    name             text NOT NULL CHECK (octet_length(name) BETWEEN 1 AND 200 AND name !~ '[[:cntrl:]/\\]'),
    size             bigint NOT NULL CHECK (size >= 0),
    -- Sniffed from the bytes, never taken from the client.
    content_type     text NOT NULL CHECK (content_type ~ '^[a-z0-9.+-]+/[a-z0-9.+-]+$'),
    sha256           bytea NOT NULL CHECK (octet_length(sha256) = 32),
    width            integer CHECK (width > 0),
    height           integer CHECK (height > 0),
    duration_ms      bigint CHECK (duration_ms >= 0),
    -- The server-made preview (image thumbnail or video poster frame), stored under "<id>.thumb".
    thumbnail_type   text CHECK (thumbnail_type IN ('image/jpeg', 'image/png')),
    thumbnail_width  integer CHECK (thumbnail_width BETWEEN 1 AND 512),
    thumbnail_height integer CHECK (thumbnail_height BETWEEN 1 AND 512),
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- Set in the transaction that attaches the file to a message; unattached uploads expire.
    attached_at      timestamptz,
    CHECK ((width IS NULL) = (height IS NULL)),
    CHECK ((thumbnail_type IS NULL) = (thumbnail_width IS NULL)),
    CHECK ((thumbnail_width IS NULL) = (thumbnail_height IS NULL))
);
CREATE INDEX files_uploader ON files (uploader_id);
CREATE INDEX files_unattached ON files (created_at) WHERE attached_at IS NULL;

-- Which message carries which files, in order. A file is carried by one message at most, and only while
-- that message is not deleted: a tombstone has no attachments, and its files are gone with it.
CREATE TABLE message_attachments (
    message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position   smallint NOT NULL CHECK (position BETWEEN 0 AND 9),
    file_id    text NOT NULL UNIQUE REFERENCES files (id),
    PRIMARY KEY (message_id, position)
);

-- The File objects of a message, as sent (files never change), so that every query that loads messages
-- (pages, live events, the last message of a conversation) has them without another query.
ALTER TABLE messages
    ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'
        CHECK (jsonb_typeof(attachments) = 'array' AND jsonb_array_length(attachments) <= 10),
    ADD CHECK (deleted_at IS NULL OR attachments = '[]'),
    -- A message is text, files, or both; never nothing ('' is the text of a files-only message).
    ADD CHECK (body <> '' OR attachments <> '[]');

-- Store keys whose rows are gone but whose bytes may not be: filled in the transaction that deletes a file,
-- emptied once the store has removed the bytes. A crash in between leaves the key here to retry.
CREATE TABLE file_trash (
    key       text PRIMARY KEY,
    queued_at timestamptz NOT NULL DEFAULT now()
);

-- Profile pictures: the version of the current one (its store keys are "avatar.<user>.<version>.<size>"),
-- NULL when there is none. Versions come from one sequence, so a picture set after a removal never reuses
-- a number a client may have cached.
CREATE SEQUENCE avatar_versions;
ALTER TABLE users ADD COLUMN avatar_version bigint CHECK (avatar_version > 0);
