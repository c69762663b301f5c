"""Email confirmation, password reset over real SMTP, password change, signed-in devices, blocking."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from server import create_app
from server.config import Config
from tests.server.conftest import PASSWORD, assert_error, login
from tests.support.smtp import code_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def app(mailing_app):
    return mailing_app


def confirmed(user, inbox, address: str) -> None:
    assert user.request("PUT", "/me/email", {"email": address}).status_code == 202
    code = code_in(inbox.wait_for(address)[-1])
    r = user.post("/me/email/confirm", {"code": code})
    assert r.status_code == 200 and r.json["user"]["email_confirmed"] is True


def expire_codes(app) -> None:
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("UPDATE one_time_codes SET expires_at = now() - interval '1 second'")


# ---- email ----------------------------------------------------------------------------------------------


def test_email_is_confirmed_by_the_mailed_code_and_shown_only_to_me(auth, inbox):
    alice, bob = auth("alice"), auth("bob")
    r = alice.request("PUT", "/me/email", {"email": "alice@example.org"})
    assert r.status_code == 202
    assert r.json["user"]["email"] == "alice@example.org" and r.json["user"]["email_confirmed"] is False
    mail = inbox.wait_for("alice@example.org")[0]
    assert mail["Subject"] == "Confirm your ChatIDK email address"
    r = alice.post("/me/email/confirm", {"code": code_in(mail)})
    assert r.json["user"]["email_confirmed"] is True
    # Never shown to anyone else.
    conversation = bob.direct_with(alice)
    assert "alice@example.org" not in str(bob.conversation(conversation["id"]))
    assert "alice@example.org" not in str(bob.get(f"/users/{alice.id}").json)


def test_wrong_expired_and_reused_email_codes_are_refused(app, auth, inbox):
    alice = auth("alice")
    alice.request("PUT", "/me/email", {"email": "alice@example.org"})
    code = code_in(inbox.wait_for("alice@example.org")[0])
    wrong = "00000000" if code != "00000000" else "11111111"
    assert_error(alice.post("/me/email/confirm", {"code": wrong}), 400, "invalid_field", "code")
    assert alice.post("/me/email/confirm", {"code": code}).status_code == 200
    assert_error(alice.post("/me/email/confirm", {"code": code}), 400, "invalid_field", "code")  # reused
    alice.request("PUT", "/me/email", {"email": "other@example.org"})
    code = code_in(inbox.wait_for("other@example.org")[0])
    expire_codes(app)
    assert_error(alice.post("/me/email/confirm", {"code": code}), 400, "invalid_field", "code")
    assert alice.whoami()["email_confirmed"] is False


@pytest.mark.parametrize(
    "email",
    [
        "",
        "no-at-sign",
        "a@b",
        "two@@example.org",
        "sp ace@example.org",
        "x" * 250 + "@example.org",
        "nul\x00@example.org",
        # Exactly one address: nothing a mail header reads as a second recipient, a name or a comment.
        "a@b.c,victim",
        "a@b.c, victim@example.org",
        "a@b.c;victim@example.org",
        "a@b.c victim",
        "Alice <alice@example.org>",
        "alice@example.org (work)",
        '"quoted"@example.org',
        "two..dots@example.org",
        "alice@example.org\r\nBcc: victim@example.org",
    ],
)
def test_bad_email_addresses_are_refused_and_change_nothing(auth, email, inbox):
    alice = auth("alice")
    assert_error(alice.request("PUT", "/me/email", {"email": email}), 400, "invalid_field", "email")
    assert alice.whoami()["email"] is None
    assert inbox.messages == []


def test_an_address_confirmed_elsewhere_cannot_be_confirmed_again(auth, inbox):
    alice, mallory = auth("alice"), auth("mallory")
    confirmed(alice, inbox, "alice@example.org")
    mallory.request("PUT", "/me/email", {"email": "ALICE@example.org"})
    code = code_in(inbox.wait_for("ALICE@example.org")[0])
    assert_error(mallory.post("/me/email/confirm", {"code": code}), 409, "conflict")


# ---- password reset -------------------------------------------------------------------------------------


def test_password_reset_by_mail_revokes_every_session(auth, client, inbox):
    alice = auth("alice")
    phone = auth("alice", register_first=False)
    confirmed(alice, inbox, "alice@example.org")
    r = client.post("/api/v1/password-reset", json={"login": "alice"})
    assert r.status_code == 202
    mail = inbox.wait_for("alice@example.org", count=2)[-1]
    assert mail["Subject"] == "Reset your ChatIDK password"
    r = client.post(
        "/api/v1/password-reset/confirm",
        json={"login": "alice", "code": code_in(mail), "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 204
    for session in (alice, phone):
        assert_error(session.get("/me"), 401, "unauthorized")
    assert_error(login(client, "alice", PASSWORD), 401, "unauthorized")
    assert login(client, "alice", NEW_PASSWORD).status_code == 201


def test_reset_by_email_address_works_too(auth, client, inbox):
    alice = auth("alice")
    confirmed(alice, inbox, "alice@example.org")
    client.post("/api/v1/password-reset", json={"login": "Alice@Example.org"})
    code = code_in(inbox.wait_for("alice@example.org", count=2)[-1])
    r = client.post(
        "/api/v1/password-reset/confirm",
        json={"login": "alice@example.org", "code": code, "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 204


def test_reset_answers_the_same_for_known_unknown_and_unconfirmed_accounts(auth, client, inbox):
    alice, bob = auth("alice"), auth("bob")
    confirmed(alice, inbox, "alice@example.org")
    bob.request("PUT", "/me/email", {"email": "bob@example.org"})  # never confirmed: not used
    inbox.wait_for("bob@example.org")
    answers = [
        client.post("/api/v1/password-reset", json={"login": login_})
        for login_ in ("alice", "nobody", "bob", "nobody@example.org", "bob@example.org")
    ]
    assert {(r.status_code, r.get_data(as_text=True)) for r in answers} == {
        (answers[0].status_code, answers[0].get_data(as_text=True))
    }
    inbox.wait_for("alice@example.org", count=2)
    assert len(inbox.to("bob@example.org")) == 1  # only the confirmation mail


def test_wrong_expired_reused_and_guessed_out_reset_codes_are_refused(app, auth, client, inbox):
    alice = auth("alice")
    confirmed(alice, inbox, "alice@example.org")

    def reset(code, login_="alice"):
        return client.post(
            "/api/v1/password-reset/confirm",
            json={"login": login_, "code": code, "new_password": NEW_PASSWORD},
        )

    client.post("/api/v1/password-reset", json={"login": "alice"})
    code = code_in(inbox.wait_for("alice@example.org", count=2)[-1])
    wrong = "00000000" if code != "00000000" else "11111111"
    assert_error(reset(wrong), 400, "invalid_field", "code")
    assert_error(reset(code, "nobody"), 400, "invalid_field", "code")  # same answer for unknown names
    for _ in range(4):  # five wrong guesses in all: the code is dead
        reset(wrong)
    assert_error(reset(code), 400, "invalid_field", "code")

    client.post("/api/v1/password-reset", json={"login": "alice"})
    code = code_in(inbox.wait_for("alice@example.org", count=3)[-1])
    expire_codes(app)
    assert_error(reset(code), 400, "invalid_field", "code")

    client.post("/api/v1/password-reset", json={"login": "alice"})
    code = code_in(inbox.wait_for("alice@example.org", count=4)[-1])
    assert reset(code).status_code == 204
    assert_error(reset(code), 400, "invalid_field", "code")  # single use
    assert login(client, "alice", PASSWORD).status_code == 401  # nothing changed by the refused ones after


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"login": "alice", "code": "1", "new_password": "short"},
        {"login": "", "code": "12345678", "new_password": NEW_PASSWORD},
        {"login": "alice", "code": "12345678", "new_password": NEW_PASSWORD, "x": 1},
    ],
)
def test_malformed_reset_confirmations_are_400(client, body):
    assert_error(client.post("/api/v1/password-reset/confirm", json=body), 400, "invalid_field")


def test_without_smtp_the_mail_goes_to_the_outbox_folder(database_url, tmp_path):
    app = create_app(Config(database_url=database_url, data_dir=tmp_path, bcrypt_rounds=4, db_pool_size=2))
    client = app.test_client()
    try:
        client.post("/api/v1/accounts", json={"username": "alice", "password": PASSWORD})
        token = login(client, "alice").json["token"]
        client.put(
            "/api/v1/me/email",
            json={"email": "alice@example.org"},
            headers={"Authorization": f"Bearer {token}"},
        )
        outbox = tmp_path / "outbox"
        from tests.support import wait

        wait.until(
            lambda: outbox.exists() and list(outbox.glob("*.eml")), timeout=30, what="a mail in the outbox"
        )
        mail = next(outbox.glob("*.eml")).read_text()
        assert "alice@example.org" in mail and "confirmation code" in mail
    finally:
        app.extensions["chatidk"].db.close()


# ---- password change and devices ------------------------------------------------------------------------


def test_change_password_keeps_this_session_and_signs_out_the_others(auth, client):
    alice = auth("alice")
    laptop = auth("alice", register_first=False)
    assert_error(
        alice.post("/me/password", {"current_password": "wrong one!", "new_password": NEW_PASSWORD}),
        401,
        "unauthorized",
        "current_password",
    )
    assert laptop.get("/me").status_code == 200  # the refused change changed nothing
    r = alice.post("/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.json == {"revoked": 1}
    assert alice.get("/me").status_code == 200
    assert_error(laptop.get("/me"), 401, "unauthorized")
    assert login(client, "alice", NEW_PASSWORD).status_code == 201


def test_change_password_validates_the_new_one(auth):
    alice = auth("alice")
    assert_error(
        alice.post("/me/password", {"current_password": PASSWORD, "new_password": "short"}),
        400,
        "invalid_field",
        "new_password",
    )


def test_list_and_sign_out_devices(auth, bob):
    alice = auth("alice")
    phone = auth("alice", register_first=False)
    tablet = auth("alice", register_first=False)
    sessions = alice.get("/sessions").json["sessions"]
    assert len(sessions) == 3
    assert [s["current"] for s in sessions].count(True) == 1
    assert {
        "id",
        "device_name",
        "client_address",
        "created_at",
        "last_used_at",
        "expires_at",
        "current",
        "second_factor",
    } == set(sessions[0])
    assert {s["second_factor"] for s in sessions} == {None}  # password only
    phone_id = next(s["id"] for s in phone.get("/sessions").json["sessions"] if s["current"])
    # Someone else's session looks like one that does not exist.
    assert_error(bob.delete(f"/sessions/{phone_id}"), 404, "not_found")
    assert bob.delete("/sessions/987654321").status_code == 404
    assert alice.delete(f"/sessions/{phone_id}").status_code == 204
    assert_error(phone.get("/me"), 401, "unauthorized")
    assert alice.post("/sessions/revoke-others").json == {"revoked": 1}
    assert_error(tablet.get("/me"), 401, "unauthorized")
    assert [s["current"] for s in alice.get("/sessions").json["sessions"]] == [True]


def test_a_session_unused_for_its_idle_lifetime_stops_working(app, auth, client):
    """As found: bearer tokens never expired. Now a token unused for CHATIDK_SESSION_IDLE_DAYS is refused,
    and the device list says when each session will expire."""
    assert Config().session_idle_days == 90
    alice = auth("alice")
    laptop = auth("alice", register_first=False)
    sessions = {s["id"]: s for s in alice.get("/sessions").json["sessions"]}
    for session in sessions.values():
        used = datetime.fromisoformat(session["last_used_at"])
        assert datetime.fromisoformat(session["expires_at"]) - used == timedelta(days=90)
    laptop_id = next(i for i, s in sessions.items() if not s["current"])
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute(
            "UPDATE sessions SET last_used_at = now() - interval '90 days 1 minute' WHERE id = %s",
            (laptop_id,),
        )
    assert_error(laptop.get("/me"), 401, "unauthorized")
    assert laptop_id not in {s["id"] for s in alice.get("/sessions").json["sessions"]}
    assert alice.get("/me").status_code == 200  # use keeps a session alive


# ---- blocking -------------------------------------------------------------------------------------------


def test_a_blocked_user_cannot_open_a_1to1_message_me_find_me_or_add_me(auth):
    alice, mallory, carol = auth("alice"), auth("mallory"), auth("carol")
    existing = mallory.direct_with(alice)
    assert alice.request("PUT", f"/blocks/{mallory.id}", {}).status_code == 200
    r = mallory.post(
        f"/conversations/{existing['id']}/messages",
        {"client_id": "3f1c9a6e-1111-4a4a-9b9b-000000000001", "text": "hi"},
    )
    assert_error(r, 403, "forbidden")
    assert mallory.conversation(existing["id"])["last_seq"] == 0
    assert_error(mallory.post("/conversations", {"kind": "direct", "user_id": alice.id}), 404, "not_found")
    assert mallory.get("/users", query_string={"q": "ali"}).json["users"] == []
    assert_error(
        mallory.post("/conversations", {"kind": "group", "title": "x", "member_ids": [alice.id]}),
        404,
        "not_found",
    )
    # Alice can still talk; carol is unaffected.
    assert alice.send(existing["id"], "I can still write")["seq"] == 1
    assert carol.get("/users", query_string={"q": "ali"}).json["users"][0]["id"] == alice.id
    # Unblocking restores everything.
    assert alice.delete(f"/blocks/{mallory.id}").status_code == 204
    assert mallory.send(existing["id"], "thanks")["seq"] == 2


def test_a_blocked_user_cannot_edit_or_delete_their_old_messages_in_my_1to1(auth):
    """As found: the block stopped new messages, but edits and deletions still reached the blocker live."""
    alice, mallory = auth("alice"), auth("mallory")
    chat = mallory.direct_with(alice)["id"]
    old = mallory.send(chat, "an old message")
    group = mallory.group("shared", alice)["id"]
    in_group = mallory.send(group, "in a group")
    assert alice.request("PUT", f"/blocks/{mallory.id}", {}).status_code == 200
    path = f"/conversations/{chat}/messages/{old['seq']}"
    assert_error(mallory.patch(path, {"text": "something nasty"}), 403, "forbidden")
    assert_error(mallory.delete(path), 403, "forbidden")
    assert [(m["text"], m["edited_at"], m["deleted"]) for m in alice.messages(chat)] == [
        ("an old message", None, False)
    ]
    # Groups stay shared (the block is about the 1:1), and unblocking restores it.
    assert (
        mallory.patch(f"/conversations/{group}/messages/{in_group['seq']}", {"text": "ok"}).status_code == 200
    )
    assert alice.delete(f"/blocks/{mallory.id}").status_code == 204
    assert mallory.patch(path, {"text": "edited"}).status_code == 200


def test_block_list_and_its_errors(auth):
    alice, bob = auth("alice"), auth("bob")
    entry = alice.request("PUT", f"/blocks/{bob.id}", {"hide_in_groups": True}).json
    assert entry["hide_in_groups"] is True
    assert (entry["user"]["id"], entry["user"]["username"]) == (bob.id, "bob")
    blocks = alice.get("/blocks").json["blocks"]
    assert [(b["user"]["id"], b["hide_in_groups"]) for b in blocks] == [(bob.id, True)]
    assert_error(alice.request("PUT", f"/blocks/{alice.id}", {}), 400, "invalid_field")
    assert_error(alice.request("PUT", "/blocks/987654321", {}), 404, "not_found")
    assert_error(alice.request("PUT", f"/blocks/{bob.id}", {"hide_in_groups": "yes"}), 400, "invalid_field")
    assert_error(alice.delete("/blocks/987654321"), 404, "not_found")
    assert bob.get("/blocks").json == {"blocks": []}


def test_privacy_setting_for_last_seen(auth):
    alice = auth("alice")
    r = alice.patch("/me", {"hide_last_seen": True})
    assert r.json["user"]["hide_last_seen"] is True


# ---- my data --------------------------------------------------------------------------------------------


def test_export_holds_my_profile_conversations_and_only_my_messages(auth, inbox):
    import io
    import json
    import zipfile

    alice, bob = auth("alice"), auth("bob")
    confirmed(alice, inbox, "alice@example.org")
    conversation = alice.direct_with(bob)["id"]
    alice.send(conversation, "mine 👋")
    bob.send(conversation, "bob's, not in alice's export")
    deleted = alice.send(conversation, "deleted later")
    alice.delete(f"/conversations/{conversation}/messages/{deleted['seq']}")
    r = alice.get("/me/export")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=chatidk-export-alice-")
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    r.close()
    profile = json.loads(archive.read("profile.json"))
    assert profile["account"]["email"] == "alice@example.org"
    assert [c["id"] for c in json.loads(archive.read("conversations.json"))] == [conversation]
    messages = [json.loads(line) for line in archive.read("messages.jsonl").decode().splitlines()]
    assert [m["text"] for m in messages] == ["mine 👋"]
    assert_error(bob.client.get("/api/v1/me/export"), 401, "unauthorized")


def test_a_1to1_with_a_deleted_account_is_read_only(auth):
    alice, bob = auth("alice"), auth("bob")
    conversation = alice.direct_with(bob)["id"]
    alice.send(conversation, "before")
    assert bob.delete("/me", {"password": PASSWORD}).status_code == 204
    r = alice.post(
        f"/conversations/{conversation}/messages",
        {"client_id": "3f1c9a6e-1111-4a4a-9b9b-000000000002", "text": "after"},
    )
    assert_error(r, 409, "conflict")
    assert [m["text"] for m in alice.messages(conversation)] == ["before"]
