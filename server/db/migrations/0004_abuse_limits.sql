-- Abuse limits: counted events for throttling (logins, registrations, mailed codes, password checks, group
-- creation), the addresses each account signed in from before, and each user's sending budget.

-- One row per counted attempt; a limit counts the rows of its scope and key younger than its window. Rows
-- are pruned once expired. Replaces login_failures (its rows only ever mattered for 15 minutes).
CREATE TABLE throttle_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope      text NOT NULL CHECK (scope ~ '^[a-z_.]{1,40}$'),
    -- "user:<id>", "login:<folded name>", "addr:<client address or IPv6 /64>", or a pair of them.
    key        text NOT NULL CHECK (char_length(key) <= 400),
    at         timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX throttle_events_lookup ON throttle_events (scope, key, at);
CREATE INDEX throttle_events_expiry ON throttle_events (expires_at);
DROP TABLE login_failures;

-- Where an account signed in successfully before: a right password from there is not slowed down by
-- failures from elsewhere (README, "What an attacker can and cannot do").
CREATE TABLE login_addresses (
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address         text NOT NULL CHECK (char_length(address) <= 64),
    last_success_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, address)
);

-- The token bucket that bounds how fast one user sends messages, refilled lazily on each send.
CREATE TABLE send_buckets (
    user_id     bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tokens      double precision NOT NULL,
    refilled_at timestamptz NOT NULL
);

-- Sessions expire when unused for CHATIDK_SESSION_IDLE_DAYS; expired rows are pruned by last use.
CREATE INDEX sessions_last_used ON sessions (last_used_at);

-- Login names are folded in ASCII only (server/services/login_names.py): the C collation's lower() does
-- exactly that in every locale, where the database's own may fold "İ" to "i" as Python's lower() does not.
CREATE INDEX users_login_name ON users (lower(username COLLATE "C")) WHERE deleted_at IS NULL;
