-- Two-factor sign-in (TOTP, RFC 6238): one secret per account, its single-use recovery codes, the
-- short-lived challenges a right password answers with while it is on, and which sessions used a second
-- factor (Devices shows it).

-- The shared secret cannot be hashed (the server must compute the codes); it is never shown again after
-- enrolment. enabled_at NULL: an enrolment waiting for its first right code. last_used_step: the highest
-- 30-second time step whose code was accepted; a code of that step or an earlier one is refused (replay).
CREATE TABLE totp_secrets (
    user_id        bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret         text NOT NULL CHECK (secret ~ '^[A-Z2-7]{16,128}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    enabled_at     timestamptz,
    last_used_step bigint
);

-- SHA-256 of each recovery code; the codes themselves are shown once, when made.
CREATE TABLE recovery_codes (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    used_at   timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A right password on an account with two-factor sign-in on: the code step trades this for a session.
-- Keyed by the SHA-256 of the challenge; single use, dies at expires_at or after too many wrong codes.
CREATE TABLE login_challenges (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    challenge_hash bytea NOT NULL UNIQUE CHECK (octet_length(challenge_hash) = 32),
    device_name    text NOT NULL,
    client_address text,
    wrong_codes    integer NOT NULL DEFAULT 0 CHECK (wrong_codes >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges (user_id);
CREATE INDEX login_challenges_expiry ON login_challenges (expires_at);

-- How a session signed in beyond its password: NULL (password only), 'totp' or 'recovery_code'.
ALTER TABLE sessions ADD COLUMN second_factor text CHECK (second_factor IN ('totp', 'recovery_code'));
