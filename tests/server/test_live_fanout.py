"""A big group with every member connected to one process: a message is loaded once, rendered and encoded
once, and the same frame is queued on every socket; the queries do not grow with the number of recipients."""

from __future__ import annotations

import json
import threading

from server import render
from server.db import Cursor
from server.limits import MAX_GROUP_MEMBERS
from server.services import events, live_dispatch, message_frames


def _drain_first_frame(conns, kind: str) -> None:
    for conn in conns:
        while json.loads(conn.frames.get(timeout=30) or "{}").get("type") != kind:
            pass


class _Work:
    """Statements run, messages rendered and frames encoded by this thread while installed."""

    def __init__(self, monkeypatch) -> None:
        self.statements = 0
        self.rendered = 0
        self.encoded = 0
        me = threading.get_ident()
        execute, render_message, encode = Cursor.execute, render.message, live_dispatch.encode_frame

        def counting_execute(cur, query, vars=None):
            # A PREPARE is once per pooled connection: whichever dispatch comes first pays it.
            if threading.get_ident() == me and not str(query).startswith("PREPARE "):
                self.statements += 1
            return execute(cur, query, vars)

        def counting_render(row, *args, **kwargs):
            self.rendered += 1
            return render_message(row, *args, **kwargs)

        def counting_encode(payload):
            self.encoded += 1
            return encode(payload)

        monkeypatch.setattr(Cursor, "execute", counting_execute)
        monkeypatch.setattr(render, "message", counting_render)
        monkeypatch.setattr(live_dispatch, "encode_frame", counting_encode)


def _dispatch_counted(hub, monkeypatch, event: dict) -> _Work:
    with monkeypatch.context() as patch:
        work = _Work(patch)
        hub.dispatch([event])
    return work


def test_a_message_to_256_connected_members_costs_what_one_to_two_does(
    app, alice, bob, carol, bulk_users, monkeypatch
):
    hub = app.extensions["chatidk"].hub
    others = bulk_users(MAX_GROUP_MEMBERS - 1)
    in_group = [hub.connect(user_id, n) for n, user_id in enumerate([alice.id, *others], start=1)]
    in_chat = [hub.connect(bob.id, 10_000), hub.connect(carol.id, 10_001)]
    everyone = [*in_group, *in_chat]
    try:
        r = alice.post("/conversations", {"kind": "group", "title": "Everyone", "member_ids": others})
        assert r.status_code == 201, r.json
        group = r.json["conversation"]["id"]
        chat = bob.direct_with(carol)["id"]
        _drain_first_frame(everyone, "conversation.created")
        big = alice.send(group, "to everyone")
        small = bob.send(chat, "to carol")
        _drain_first_frame(everyone, "message.created")  # delivered live through the broker as well

        to_256 = _dispatch_counted(hub, monkeypatch, events.message("created", group, big["id"]))
        to_2 = _dispatch_counted(hub, monkeypatch, events.message("created", chat, small["id"]))

        assert len(in_group) == MAX_GROUP_MEMBERS
        frames = [conn.frames.get(timeout=30) for conn in in_group]
        assert all(frame is frames[0] for frame in frames)  # one string, queued on every socket
        assert json.loads(frames[0])["message"] == big
        assert (to_256.rendered, to_256.encoded) == (1, 1)
        assert (
            1 <= to_256.statements == to_2.statements <= 2
        )  # the message (and its files); members are cached
    finally:
        for conn in everyone:
            hub.disconnect(conn)


def test_new_messages_that_came_framed_for_cached_members_take_no_database_connection(
    app, alice, bob, carol, monkeypatch
):
    context = app.extensions["chatidk"]
    hub = context.hub
    conns = [hub.connect(bob.id, 20_000), hub.connect(carol.id, 20_001)]
    try:
        chat = bob.direct_with(carol)["id"]
        first = bob.send(chat, "the members get cached")
        _drain_first_frame(conns, "message.created")
        second = bob.send(chat, "framed by the sender's process")
        _drain_first_frame(conns, "message.created")
        event = events.messages_created(
            [(chat, m["id"], message_frames.created_frame(m)) for m in (first, second)]
        )[0]
        checkouts = 0
        autocommit = type(context.db).autocommit
        me = threading.get_ident()

        def counting_autocommit(db):
            nonlocal checkouts
            checkouts += threading.get_ident() == me  # this dispatch's, not a background thread's
            return autocommit(db)

        with monkeypatch.context() as patch:
            patch.setattr(type(context.db), "autocommit", counting_autocommit)
            work = _Work(patch)
            hub.dispatch([event])
        assert (work.statements, checkouts) == (0, 0)
        for conn in conns:  # delivered all the same, in order
            got = [json.loads(conn.frames.get(timeout=30))["message"]["id"] for _ in range(2)]
            assert got == [first["id"], second["id"]]
    finally:
        for conn in conns:
            hub.disconnect(conn)
