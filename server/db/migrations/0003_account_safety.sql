-- Account safety and the live room: email (confirmed before use), one-time codes for email confirmation and
-- password reset, blocking, presence per open socket, last-seen privacy.

ALTER TABLE users
    ADD COLUMN email              text CHECK (char_length(email) <= 254),
    ADD COLUMN email_confirmed_at timestamptz,
    ADD COLUMN hide_last_seen     boolean NOT NULL DEFAULT false,
    ADD COLUMN last_seen_at       timestamptz;
-- One account per confirmed address (ignoring case); unconfirmed claims do not block anyone.
CREATE UNIQUE INDEX users_email_confirmed_unique ON users (lower(email)) WHERE email_confirmed_at IS NOT NULL;

CREATE TABLE one_time_codes (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    -- SHA-256 of the code; the code itself only ever exists in the mail.
    code_hash  bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    email      text NOT NULL,
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX one_time_codes_user ON one_time_codes (user_id, purpose);

CREATE TABLE blocks (
    blocker_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hide_in_groups boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked ON blocks (blocked_id);

-- One row per open WebSocket, on whichever server process holds it. A process refreshes heartbeat_at for its
-- sockets; rows of a process that died stop being refreshed and are swept, so presence heals after a crash.
CREATE TABLE presence_sockets (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id   bigint NOT NULL,
    process_key  text NOT NULL,
    away         boolean NOT NULL DEFAULT false,
    opened_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX presence_sockets_user ON presence_sockets (user_id);
CREATE INDEX presence_sockets_process ON presence_sockets (process_key);
