"""The per-process cache of authenticated tokens: it saves lookups, and revocation still holds at once."""

from __future__ import annotations

from pathlib import Path

from server import create_app
from server.config import Config
from server.services.session_cache import SessionCache
from server.services.tokens import token_hash
from tests.server.conftest import PASSWORD, User, assert_error
from tests.support import wait


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _cached(app, user: User) -> bool:
    return app.extensions["chatidk"].session_cache.get(token_hash(user.token)) is not None


# ---- the cache alone ------------------------------------------------------------------------------------


def test_an_entry_lives_its_seconds_and_no_longer():
    clock = FakeClock()
    cache = SessionCache(5, clock=clock)
    cache.put(b"t", 7, 42, cache.generation())
    assert cache.get(b"t") == (7, 42, 1005.0)
    clock.now = 1004.9
    assert cache.get(b"t") is not None
    clock.now = 1005.0
    assert cache.get(b"t") is None


def test_a_lookup_that_raced_with_a_revocation_is_not_kept():
    """A lookup read the session from the database, a revocation committed and was forgotten, then the
    lookup's answer arrived: caching it would revive the revoked token for the cache's lifetime."""
    cache = SessionCache(5)
    before = cache.generation()
    cache.forget_sessions([7])
    cache.put(b"t", 7, 42, before)
    assert cache.get(b"t") is None
    cache.put(b"t", 7, 42, cache.generation())
    assert cache.get(b"t") is not None
    before = cache.generation()
    cache.clear()
    cache.put(b"u", 8, 42, before)
    assert cache.get(b"u") is None and cache.get(b"t") is None


def test_forgetting_sessions_drops_only_their_tokens():
    cache = SessionCache(5)
    for n in range(3):
        cache.put(bytes([n]), n, 42, cache.generation())
    cache.forget_sessions([0, 2])
    assert [cache.get(bytes([n])) is not None for n in range(3)] == [False, True, False]


def test_zero_seconds_caches_nothing_and_the_limit_drops_the_oldest():
    off = SessionCache(0)
    off.put(b"t", 7, 42, off.generation())
    assert off.get(b"t") is None
    small = SessionCache(5, limit=2)
    for n in range(3):
        small.put(bytes([n]), n, 42, small.generation())
    assert [small.get(bytes([n])) is not None for n in range(3)] == [False, True, True]


# ---- revocation through the API: at once on this process, though the token was cached -----------------


def test_logout_refuses_the_cached_token_at_once(app, auth):
    alice = auth("alice")
    assert alice.get("/me").status_code == 200
    assert _cached(app, alice)
    assert alice.delete("/sessions/current").status_code == 204
    assert not _cached(app, alice)
    assert_error(alice.get("/me"), 401, "unauthorized")


def test_signing_out_devices_refuses_their_cached_tokens_at_once(app, auth):
    alice = auth("alice")
    phone = auth("alice", register_first=False)
    tablet = auth("alice", register_first=False)
    for device in (alice, phone, tablet):
        assert device.get("/me").status_code == 200
    phone_id = next(s["id"] for s in phone.get("/sessions").json["sessions"] if s["current"])
    assert alice.delete(f"/sessions/{phone_id}").status_code == 204
    assert_error(phone.get("/me"), 401, "unauthorized")
    assert tablet.get("/me").status_code == 200
    assert alice.post("/sessions/revoke-others").json == {"revoked": 1}
    assert_error(tablet.get("/me"), 401, "unauthorized")
    assert alice.get("/me").status_code == 200


def test_a_password_change_refuses_the_other_cached_tokens_at_once(app, auth):
    alice = auth("alice")
    laptop = auth("alice", register_first=False)
    assert laptop.get("/me").status_code == 200 and _cached(app, laptop)
    r = alice.post("/me/password", {"current_password": PASSWORD, "new_password": "a new long password"})
    assert r.status_code == 200, r.json
    assert_error(laptop.get("/me"), 401, "unauthorized")
    assert alice.get("/me").status_code == 200


def test_deleting_the_account_refuses_its_cached_tokens_at_once(app, auth):
    alice = auth("alice")
    phone = auth("alice", register_first=False)
    assert phone.get("/me").status_code == 200 and _cached(app, phone)
    assert alice.delete("/me", {"password": PASSWORD}).status_code in (200, 204)
    assert_error(phone.get("/me"), 401, "unauthorized")


def test_a_session_deleted_behind_the_cache_works_no_longer_than_its_seconds(app, auth):
    """What the cache allows (README, CHATIDK_SESSION_CACHE_SECONDS): a session revoked by a process whose
    event this one did not hear keeps working here until its entry's time is up, and not a moment longer."""
    context = app.extensions["chatidk"]
    clock = FakeClock()
    context.session_cache = SessionCache(5, clock=clock)
    alice = auth("alice")
    assert alice.get("/me").status_code == 200
    with context.db.transaction() as cur:
        cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash(alice.token),))
    assert alice.get("/me").status_code == 200  # within the cache's seconds
    clock.now += 5
    assert_error(alice.get("/me"), 401, "unauthorized")


def test_no_cache_looks_the_token_up_every_time(database_url: str, tmp_path: Path):
    app = create_app(
        Config(database_url=database_url, data_dir=tmp_path, bcrypt_rounds=4, session_cache_seconds=0)
    )
    context = app.extensions["chatidk"]
    try:
        client = app.test_client()
        credentials = {"username": "alice", "password": PASSWORD}
        assert client.post("/api/v1/accounts", json=credentials).status_code == 201
        token = client.post("/api/v1/sessions", json=credentials).json["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        with context.db.transaction() as cur:
            cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash(token),))
        assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")
    finally:
        context.hub.stop()
        context.db.close()


def test_another_process_forgets_a_revoked_token_when_the_event_arrives(app, auth, database_url, tmp_path):
    """Two processes on one database: the one that did not revoke holds the token in a cache of 30 s, and
    forgets it as soon as the ``sessions_revoked`` event reaches its listener, well before that."""
    other_app = create_app(
        Config(database_url=database_url, data_dir=tmp_path, bcrypt_rounds=4, session_cache_seconds=30)
    )
    other = other_app.extensions["chatidk"]
    try:
        other.broker.start(other.hub.dispatch, other.hub.drop_everyone)
        alice = auth("alice")
        phone = auth("alice", register_first=False)
        elsewhere = other_app.test_client()
        headers = {"Authorization": f"Bearer {phone.token}"}
        assert elsewhere.get("/api/v1/me", headers=headers).status_code == 200
        assert other.session_cache.get(token_hash(phone.token)) is not None
        assert alice.post("/sessions/revoke-others").json == {"revoked": 1}
        wait.until(
            lambda: other.session_cache.get(token_hash(phone.token)) is None,
            timeout=20,
            what="the other process forgetting the revoked token",
        )
        assert_error(elsewhere.get("/api/v1/me", headers=headers), 401, "unauthorized")
    finally:
        other.hub.stop()
        other.db.close()


def test_a_gap_in_the_events_empties_the_cache(app, alice):
    """The listener lost its connection: a revocation may have been among the missed events."""
    assert alice.get("/me").status_code == 200 and _cached(app, alice)
    app.extensions["chatidk"].hub.drop_everyone()
    assert not _cached(app, alice)
    assert alice.get("/me").status_code == 200
