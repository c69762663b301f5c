"""Deleting an account leaves nothing that names the person: every table is scanned for it afterwards.

As found: ``one_time_codes`` kept the email address, ``blocks`` rows remained, and ``users.last_seen_at`` was
written again when the account's last socket closed after the erasure.
"""

from __future__ import annotations

import uuid

import psycopg2
import pytest
from psycopg2 import sql

from tests.server.conftest import PASSWORD, login
from tests.support.smtp import code_in

USERNAME, DISPLAY_NAME, EMAIL = "zqxwvlaura", "Laura Zqxwv-Palmer", "laura.zqxwv@example.org"

# Where a deleted account's id may stay: the tombstone row itself, and the structure others' history needs
# (who sent a tombstone, who the other side of a 1:1 was, who made a group). None of it names the person.
STRUCTURAL = {
    ("users", "id"),
    ("messages", "sender_id"),
    ("conversations", "direct_user_low"),
    ("conversations", "direct_user_high"),
    ("conversations", "created_by"),
    ("conversation_members", "user_id"),  # in 1:1s only: the test checks that the groups are left
}


@pytest.fixture
def app(mailing_app):
    return mailing_app


def user_columns(cur) -> list[tuple[str, str]]:
    """Every (table, column) with a foreign key to users (id)."""
    cur.execute(
        """SELECT c.conrelid::regclass::text AS tab, a.attname AS col
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
           WHERE c.contype = 'f' AND c.confrelid = 'users'::regclass"""
    )
    return [(row[0], row[1]) for row in cur.fetchall()]


def text_columns(cur) -> list[tuple[str, str]]:
    cur.execute(
        """SELECT table_name, column_name FROM information_schema.columns
           WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json')"""
    )
    return [(row[0], row[1]) for row in cur.fetchall()]


def test_nothing_names_a_deleted_account(app, database_url, auth, inbox, client):
    laura = auth(USERNAME, display_name=DISPLAY_NAME)
    bob, carol = auth("bob"), auth("carol")
    laura.request("PUT", "/me/email", {"email": EMAIL})
    assert laura.post("/me/email/confirm", {"code": code_in(inbox.wait_for(EMAIL)[-1])}).status_code == 200
    # Everything that leaves traces: codes (a reset), blocks both ways, failed logins and throttle counts,
    # messages and an upload in a 1:1 and a group, a group she made, a profile picture, sessions.
    client.post("/api/v1/password-reset", json={"login": USERNAME})
    client.post("/api/v1/password-reset/confirm", json={"login": EMAIL, "code": "1", "new_password": "x" * 8})
    login(client, USERNAME, "wrong password")
    login(client, USERNAME, "wrong password", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    laura.post("/me/password", {"current_password": "wrong one", "new_password": "whatever it is"})
    assert laura.request("PUT", f"/blocks/{bob.id}", {}).status_code == 200
    chat = carol.direct_with(laura)["id"]
    assert carol.request("PUT", f"/blocks/{laura.id}", {"hide_in_groups": True}).status_code == 200
    assert carol.delete(f"/blocks/{laura.id}").status_code == 204
    assert carol.request("PUT", f"/blocks/{laura.id}", {}).status_code == 200
    assert carol.delete(f"/blocks/{laura.id}").status_code == 204
    laura.send(chat, f"hello from {DISPLAY_NAME}")
    group = laura.group("Weekend plans", bob, carol)["id"]  # the group's, not hers: it stays
    file_id = laura.post("/files?name=notes.txt", data=b"my notes").json["file"]["id"]
    laura.post(f"/conversations/{group}/messages", {"client_id": str(uuid.uuid4()), "file_ids": [file_id]})
    from server.services.background import jobs

    assert jobs.drain()
    # A socket open while she deletes the account; it closes only afterwards, as a real one does when the
    # revocation reaches it, and that close must not record a last-seen time for the erased account.
    hub = app.extensions["chatidk"].hub
    socket = hub.connect(laura.id, 1)
    assert laura.delete("/me", {"password": PASSWORD}).status_code == 204
    hub.disconnect(socket)

    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            leftovers = []
            for table, column in text_columns(cur):
                for needle in (USERNAME, DISPLAY_NAME, EMAIL, "Laura"):
                    query = sql.SQL("SELECT count(*) FROM {} WHERE {}::text ILIKE %s")
                    cur.execute(query.format(sql.Identifier(table), sql.Identifier(column)), (f"%{needle}%",))
                    if cur.fetchone()[0]:
                        leftovers.append(f"{table}.{column} holds {needle!r}")
            for table, column in user_columns(cur):
                if (table, column) in STRUCTURAL:
                    continue
                query = sql.SQL("SELECT count(*) FROM {} WHERE {} = %s")
                cur.execute(query.format(sql.Identifier(table), sql.Identifier(column)), (laura.id,))
                if cur.fetchone()[0]:
                    leftovers.append(f"{table}.{column} holds her id")
            # Throttle counts name an account by key: "user:<id>" (her login name is covered above).
            cur.execute("SELECT key FROM throttle_events WHERE key LIKE %s", (f"%user:{laura.id}%",))
            leftovers += [f"throttle_events key {row[0]}" for row in cur.fetchall()]
            cur.execute(
                """SELECT count(*) FROM conversation_members m
                   JOIN conversations c ON c.id = m.conversation_id
                   WHERE m.user_id = %s AND c.kind = 'group'""",
                (laura.id,),
            )
            assert cur.fetchone()[0] == 0, "she left every group"
            assert leftovers == []
            # The tombstone account is only that.
            cur.execute(
                "SELECT username, display_name, email, password_hash, last_seen_at, avatar_version "
                "FROM users WHERE id = %s",
                (laura.id,),
            )
            assert cur.fetchone() == (None, "Deleted account", None, None, None, None)
    finally:
        conn.close()
