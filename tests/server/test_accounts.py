"""Accounts and sessions: register, log in and out, GET/PATCH /me, and the password rules."""

from __future__ import annotations

import re

from tests.server.conftest import (
    API,
    PASSWORD,
    PUBLIC_USER_KEYS,
    assert_error,
    assert_me,
    assert_public_user,
    login,
    register,
)

# Text-direction controls and line separators: "\u202eecilA" shows as "Alice" (as found, accepted).
DISGUISED = [
    "\u202eecilA",
    "Alice\u202e",
    "\u202dAlice",
    "Al\u202aice",
    "Al\u202bice",
    "Al\u202cice",
    "\u2066Alice\u2069",
    "\u2067Alice",
    "\u2068Alice",
    "Ali\u200fce",
    "Ali\u200ece",
    "Ali\u061cce",
    "Alice\u2028Admin",
    "Alice\u2029Admin",
]
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


# ---- registration ---------------------------------------------------------------------------------------


def test_register_answers_me(client):
    r = register(client, "alice", display_name="Alice Liddell")
    assert r.status_code == 201
    user = r.json["user"]
    assert_me(user)
    assert user["username"] == "alice"
    assert user["display_name"] == "Alice Liddell"
    assert user["deleted"] is False
    assert user["visible"] is True
    assert ISO_UTC.match(user["created_at"])
    assert isinstance(user["id"], int) and user["id"] >= 1


def test_display_name_defaults_to_username_as_registered(client):
    r = register(client, "Alice.M-2_")
    assert r.status_code == 201
    assert r.json["user"]["username"] == "Alice.M-2_"
    assert r.json["user"]["display_name"] == "Alice.M-2_"


def test_display_name_is_trimmed(client):
    r = register(client, "alice", display_name="  Alice  ")
    assert r.json["user"]["display_name"] == "Alice"


def test_valid_usernames(client):
    for username in ["abc", "a" * 32, "A.b-c_9", "...", "___", "0123"]:
        assert register(client, username).status_code == 201, username
        assert login(client, username).status_code == 201, username


def test_invalid_usernames_are_refused(client):
    for username in [
        "ab",
        "a" * 33,
        "",
        "al ice",
        "alice!",
        "al@ce",
        "ålice",
        "алиса",
        "alice\n",
        " alice",
        "a/b",
        "a" * 65,
        "al\u0000ice",
        5,
        None,
        ["alice"],
    ]:
        r = client.post(f"{API}/accounts", json={"username": username, "password": PASSWORD})
        assert_error(r, 400, "invalid_field", "username", case=username)
        if isinstance(username, str):
            assert login(client, username).status_code in (400, 401), username


def test_usernames_are_unique_ignoring_case(client):
    assert register(client, "alice").status_code == 201
    for other in ["Alice", "ALICE", "alice", "aLiCe"]:
        assert_error(register(client, other, "another password"), 409, "conflict", "username", case=other)
    # The first account is untouched: its password still works, the others' does not.
    assert login(client, "alice").status_code == 201
    assert_error(login(client, "alice", "another password"), 401, "unauthorized")


def test_login_ignores_the_case_of_the_username(client):
    register(client, "Alice")
    r = login(client, "aLICE")
    assert r.status_code == 201
    assert r.json["user"]["username"] == "Alice"


def test_password_length(client):
    for name, password in [("short", "1234567"), ("empty", ""), ("huge", "x" * 1025)]:
        assert_error(register(client, name, password), 400, "invalid_field", "password", case=password)
        assert login(client, name, password).status_code in (400, 401)
    too_short, too_long = register(client, "short", "1234567").json, register(client, "huge", "x" * 1025).json
    assert too_short["error"]["message"] == "password: must be at least 8 characters"  # words, not pydantic's
    assert too_long["error"]["message"] == "password: must be at most 1024 characters"
    missing = client.post("/api/v1/accounts", json={"username": "nopass"}).json
    assert missing["error"]["message"] == "password: is required"
    for name, password in [("eight", "12345678"), ("longest", "x" * 1024)]:
        assert register(client, name, password).status_code == 201
        assert login(client, name, password).status_code == 201


def test_password_of_eight_emoji_counts_characters(client):
    assert register(client, "alice", "🔑" * 8).status_code == 201
    assert login(client, "alice", "🔑" * 8).status_code == 201


def test_long_passphrase_is_significant_past_bcrypts_72_bytes(client):
    passphrase = "🧗" * 50  # 200 bytes of UTF-8
    assert len(passphrase.encode()) == 200
    assert register(client, "alice", passphrase).status_code == 201
    differs_at_the_end = "🧗" * 49 + "🪨"
    assert passphrase.encode()[:72] == differs_at_the_end.encode()[:72]
    assert_error(login(client, "alice", differs_at_the_end), 401, "unauthorized")
    assert_error(login(client, "alice", passphrase[:18]), 401, "unauthorized")  # the first 72 bytes
    assert login(client, "alice", passphrase).status_code == 201


def test_ascii_passphrase_longer_than_72_bytes(client):
    passphrase = "a" * 72 + "the rest matters"
    register(client, "alice", passphrase)
    assert_error(login(client, "alice", "a" * 72), 401, "unauthorized")
    assert_error(login(client, "alice", "a" * 72 + "the rest matterz"), 401, "unauthorized")
    assert login(client, "alice", passphrase).status_code == 201


def test_password_with_nul_is_refused(client):
    assert_error(register(client, "alice", "pass\u0000word"), 400, "invalid_field", "password")


def test_display_name_rules_at_registration(client):
    for display_name in [
        "A" * 65,
        "   ",
        "",
        "\u200b",
        " \u200f\u200e ",
        "a\u0007b",
        "a\nb",
        "\u0000",
        7,
        *DISGUISED,
    ]:
        r = client.post(
            f"{API}/accounts", json={"username": "alice", "password": PASSWORD, "display_name": display_name}
        )
        assert_error(r, 400, "invalid_field", "display_name", case=display_name)
    # Nothing was stored: the name is still free.
    assert register(client, "alice", display_name="A" * 64).status_code == 201


def test_register_field_errors(client):
    for body, field in [
        ({"password": PASSWORD}, "username"),
        ({"username": "alice"}, "password"),
        ({"username": "alice", "password": 12345678}, "password"),
        ({"username": "alice", "password": PASSWORD, "admin": True}, "admin"),
        ({"username": "alice", "password": PASSWORD, "visible": False}, "visible"),
    ]:
        assert_error(client.post(f"{API}/accounts", json=body), 400, "invalid_field", field, case=body)
    assert login(client, "alice").status_code == 401


# ---- sessions -------------------------------------------------------------------------------------------


def test_login_answers_token_session_and_me(client):
    register(client, "alice")
    r = login(client, "alice", device_name="Alice's laptop")
    assert r.status_code == 201
    assert set(r.json) == {"token", "session_id", "user"}
    assert isinstance(r.json["token"], str) and len(r.json["token"]) >= 32
    assert isinstance(r.json["session_id"], int)
    assert r.json["user"]["username"] == "alice"
    assert "visible" in r.json["user"]


def test_each_login_is_its_own_session(client):
    register(client, "alice")
    first, second = login(client, "alice").json, login(client, "alice").json
    assert first["token"] != second["token"]
    assert first["session_id"] != second["session_id"]


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    register(client, "alice")
    wrong = login(client, "alice", "not the password")
    unknown = login(client, "nobody", "not the password")
    assert_error(wrong, 401, "unauthorized")
    assert wrong.status_code == unknown.status_code
    assert wrong.get_json() == unknown.get_json()
    assert dict(wrong.headers).keys() == dict(unknown.headers).keys()


def test_login_field_errors(client):
    register(client, "alice")
    for body, field in [
        ({"password": PASSWORD}, "username"),
        ({"username": "alice"}, "password"),
        ({"username": "alice", "password": ""}, "password"),
        ({"username": "", "password": PASSWORD}, "username"),
        ({"username": "alice", "password": 12345678}, "password"),
        ({"username": "alice", "password": "x" * 1025}, "password"),
        ({"username": "x" * 65, "password": PASSWORD}, "username"),
        ({"username": "alice", "password": PASSWORD, "device_name": "d" * 65}, "device_name"),
        ({"username": "alice", "password": PASSWORD, "device_name": ""}, "device_name"),
        ({"username": "alice", "password": PASSWORD, "device_name": 3}, "device_name"),
        ({"username": "alice", "password": PASSWORD, "remember": True}, "remember"),
    ]:
        assert_error(client.post(f"{API}/sessions", json=body), 400, "invalid_field", field, case=body)


def test_login_with_strange_usernames_is_a_plain_401(client):
    register(client, "alice")
    for username in ["x" * 64, "'; DROP TABLE users; --", "%", "_____", "alice ", "al%"]:
        assert_error(login(client, username), 401, "unauthorized", case=username)


def test_nul_in_login_fields_is_refused_not_a_server_error(client):
    register(client, "alice")
    assert_error(login(client, "al\u0000ice"), 400, "invalid_field", "username")
    assert_error(login(client, "alice", "pass\u0000word"), 400, "invalid_field", "password")
    assert login(client, "alice").status_code == 201


def test_logout_revokes_only_that_token(auth, client):
    alice = auth("alice")
    other = auth("alice", register_first=False)
    r = alice.delete("/sessions/current")
    assert r.status_code == 204
    assert r.get_data() == b""
    assert_error(alice.get("/me"), 401, "unauthorized")
    assert_error(alice.delete("/sessions/current"), 401, "unauthorized")
    assert other.get("/me").status_code == 200


# ---- /me ------------------------------------------------------------------------------------------------


def test_get_me(alice):
    me = alice.whoami()
    assert me == alice.me
    assert me["visible"] is True and me["deleted"] is False


def test_update_display_name_and_visibility(alice):
    r = alice.patch("/me", {"display_name": "  Alice Liddell ", "visible": False})
    assert r.status_code == 200
    assert r.json["user"]["display_name"] == "Alice Liddell"
    assert r.json["user"]["visible"] is False
    assert alice.whoami() == r.json["user"]


def test_update_only_one_field_keeps_the_other(alice):
    alice.patch("/me", {"display_name": "Al"})
    alice.patch("/me", {"visible": False})
    me = alice.whoami()
    assert (me["display_name"], me["visible"]) == ("Al", False)
    alice.patch("/me", {"visible": True})
    me = alice.whoami()
    assert (me["display_name"], me["visible"]) == ("Al", True)


def test_empty_update_changes_nothing(alice):
    r = alice.patch("/me", {})
    assert r.status_code == 200
    assert r.json["user"] == alice.me


def test_display_name_round_trips_any_script(alice):
    for name in ["Алиса", "愛麗絲", "أليس", "👩‍🚀 Ali", "Zoë", "e\u0301e\u0301"]:
        r = alice.patch("/me", {"display_name": name})
        assert r.status_code == 200
        assert alice.whoami()["display_name"] == name


def test_update_me_field_errors_change_nothing(alice):
    for body, field in [
        ({"visible": "yes"}, "visible"),
        ({"visible": 1}, "visible"),
        ({"visible": None}, "visible"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 65}, "display_name"),
        ({"display_name": "tab\tbed"}, "display_name"),
        *(({"display_name": name}, "display_name") for name in DISGUISED),
        ({"display_name": 5}, "display_name"),
        ({"username": "mallory"}, "username"),
        ({"visible": False, "admin": True}, "admin"),
    ]:
        assert_error(alice.patch("/me", body), 400, "invalid_field", field, case=body)
    assert alice.whoami() == alice.me


# ---- deleting an account --------------------------------------------------------------------------------


def test_delete_account_with_wrong_password_changes_nothing(alice):
    assert_error(alice.delete("/me", {"password": "not my password"}), 401, "unauthorized", "password")
    assert alice.whoami() == alice.me
    assert login(alice.client, "alice").status_code == 201


def test_delete_account_field_errors(alice):
    for body in [{}, {"password": 5}, {"password": ""}, {"password": None}]:
        assert_error(alice.delete("/me", body), 400, "invalid_field", "password", case=body)
    assert_error(alice.delete("/me", {"password": PASSWORD, "now": True}), 400, "invalid_field", "now")
    assert alice.whoami() == alice.me


def test_delete_account_needs_a_body(alice):
    assert_error(alice.delete("/me"), 400, "bad_json")
    assert alice.whoami() == alice.me


def test_delete_account_revokes_every_session_and_frees_the_name(auth, client):
    alice = auth("alice")
    laptop = auth("alice", register_first=False)
    assert alice.delete("/me", {"password": PASSWORD}).status_code == 204
    for session in (alice, laptop):
        assert_error(session.get("/me"), 401, "unauthorized")
        assert_error(session.get("/conversations"), 401, "unauthorized")
    assert_error(login(client, "alice"), 401, "unauthorized")
    again = auth("Alice", "a new password")
    assert again.id != alice.id
    assert again.whoami()["username"] == "Alice"


def test_deleted_account_tombstones_messages_and_leaves_groups(alice, bob, carol):
    direct = alice.direct_with(bob)
    group = alice.group("Climbing", bob, carol)
    kept = alice.send(direct["id"], "mine")
    bob.send(direct["id"], "bob's")
    alice.send(group["id"], "in the group")
    assert alice.patch(f"/conversations/{direct['id']}/messages/1", {"text": "edited"}).status_code == 200

    assert alice.delete("/me", {"password": PASSWORD}).status_code == 204

    messages = bob.messages(direct["id"])
    assert [(m["seq"], m["deleted"], m["text"]) for m in messages] == [(1, True, None), (2, False, "bob's")]
    assert messages[0]["id"] == kept["id"] and messages[0]["sender_id"] == alice.id
    group_now = bob.conversation(group["id"])
    assert alice.id not in [m["user"]["id"] for m in group_now["members"]]
    assert bob.messages(group["id"])[0]["deleted"] is True
    # The 1:1 stays, and shows who it was with as a deleted account.
    direct_now = bob.conversation(direct["id"])
    shown = next(m["user"] for m in direct_now["members"] if m["user"]["id"] == alice.id)
    assert_public_user(shown)
    assert {k: shown[k] for k in PUBLIC_USER_KEYS} == {
        "id": alice.id,
        "username": None,
        "display_name": "Deleted account",
        "deleted": True,
    }
    r = bob.get(f"/users/{alice.id}")
    assert r.status_code == 200
    assert r.json["user"] == shown


def test_deleted_owner_hands_the_group_on(alice, bob, carol):
    group = alice.group("Climbing", bob, carol)
    assert alice.delete("/me", {"password": PASSWORD}).status_code == 204
    roles = {m["user"]["id"]: m["role"] for m in bob.conversation(group["id"])["members"]}
    assert roles == {bob.id: "owner", carol.id: "member"}
