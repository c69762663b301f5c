-- ChatIDK schema, version 1. Applied by the server at start when the database is empty; later changes are
-- numbered files in server/db/migrations/ (never edit this file once a release has applied it).
-- Rules live here as constraints, not only in Python: a bug in the server cannot break them.

CREATE TABLE schema_version (
    version    integer     NOT NULL PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL once the account is deleted: the name is free again and the profile is gone.
    username      text CHECK (username ~ '^[A-Za-z0-9_.-]{3,32}$'),
    display_name  text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 64),
    password_hash text,
    visible       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    CHECK ((deleted_at IS NULL) = (username IS NOT NULL)),
    CHECK ((deleted_at IS NULL) = (password_hash IS NOT NULL))
);
-- Unique ignoring case; deleted accounts (NULL) do not collide.
CREATE UNIQUE INDEX users_username_unique ON users (lower(username));
CREATE INDEX users_search_username ON users (lower(username) text_pattern_ops)
    WHERE visible AND deleted_at IS NULL;
CREATE INDEX users_search_display_name ON users (lower(display_name) text_pattern_ops)
    WHERE visible AND deleted_at IS NULL;

CREATE TABLE sessions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the bearer token; the token itself is never stored.
    token_hash     bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    device_name    text NOT NULL CHECK (char_length(device_name) <= 64),
    client_address text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE conversations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('direct', 'group')),
    title            text CHECK (char_length(title) BETWEEN 1 AND 100),
    -- A 1:1 is identified by its two users, smaller id first, so asking twice finds the same row.
    direct_user_low  bigint REFERENCES users (id),
    direct_user_high bigint REFERENCES users (id),
    created_by       bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- The highest seq handed out; bumped in the transaction that stores a message, which makes seq gapless.
    last_seq         bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'group') = (title IS NOT NULL)),
    CHECK ((kind = 'direct') = (direct_user_low IS NOT NULL AND direct_user_high IS NOT NULL)),
    CHECK (direct_user_low < direct_user_high),
    UNIQUE (direct_user_low, direct_user_high)
);

CREATE TABLE conversation_members (
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id),
    role            text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
    joined_at       timestamptz NOT NULL DEFAULT now(),
    last_read_seq   bigint NOT NULL DEFAULT 0 CHECK (last_read_seq >= 0),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

CREATE TABLE messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             bigint NOT NULL CHECK (seq > 0),
    sender_id       bigint NOT NULL REFERENCES users (id),
    -- Chosen by the client; a retried send finds the stored message instead of making a second one.
    client_id       uuid NOT NULL,
    body            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    edited_at       timestamptz,
    deleted_at      timestamptz,
    UNIQUE (conversation_id, seq),
    UNIQUE (sender_id, client_id),
    -- A tombstone keeps its seq but no text.
    CHECK (deleted_at IS NULL OR body IS NULL),
    CHECK (deleted_at IS NOT NULL OR body IS NOT NULL)
);

-- Failed logins, counted per account name and per client address for throttling.
CREATE TABLE login_failures (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope     text NOT NULL CHECK (scope IN ('account', 'address')),
    key       text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_lookup ON login_failures (scope, key, failed_at);

INSERT INTO schema_version (version) VALUES (1);
