"""Presence, typing, "seen" and hidden senders on stand-ins: models, labels, throttling, expiry, idleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from desktop.cache import HistoryCache, Outbox, open_cache_database
from desktop.controller.chat import ChatController
from desktop.domain.presence import Presence
from desktop.models.conversations import ConversationListModel
from desktop.models.header_text import presence_text, typing_text
from desktop.models.messages import HIDDEN_TEXT, MessageListModel
from desktop.models.roles import ConversationRole, MessageRole
from desktop.models.typing_book import TypingBook
from desktop.views.idle_watcher import IdleWatcher
from tests.desktop.factories import conversation as make_conversation
from tests.desktop.factories import message, user_json
from tests.desktop.fakes import FakeListener, FakeRest, FakeServerApi, FakeTransfers

ME, BOB, CAROL = 1, 2, 3


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(qtbot, tmp_path):
    api = FakeServerApi({**user_json(ME, "Me"), "visible": True})
    api.add_conversation(make_conversation(1).raw)
    api.add_conversation(
        make_conversation(
            2, kind="group", title="Crew", members=((ME, "Me"), (BOB, "Bob"), (CAROL, "Carol"))
        ).raw
    )
    api.presence_rows = [{"user_id": BOB, "state": "online", "last_seen": None}]
    database = open_cache_database(tmp_path / "cache.sqlite3")
    rest = FakeRest(api)
    listener = FakeListener()
    chat = ChatController(
        api.me_user, rest, listener, HistoryCache(database), Outbox(database), FakeTransfers(rest)
    )
    clock = Clock()
    chat.room.clock = clock
    chat.room.typing._clock = clock
    chat.start()
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: rest.idle and len(chat.conversations.all()) == 2, timeout=20000)
    yield api, rest, listener, chat, clock
    chat.shutdown()
    database.close()


def deliver(listener, wire: dict) -> None:
    listener.event_received.emit(
        {
            "type": "message.created",
            "conversation_id": wire["conversation_id"],
            "seq": wire["seq"],
            "message": wire,
        }
    )


def row(chat, conversation_id: int):
    model = chat.conversations
    return model.index(model.all().index(model.get(conversation_id)))


# labels
def test_typing_text_names_one_two_three_and_many():
    assert typing_text([]) == ""
    assert typing_text(["Alice"]) == "Alice is typing…"
    assert typing_text(["Alice", "Bob"]) == "Alice and Bob are typing…"
    assert typing_text(["Alice", "Bob", "Carol"]) == "Alice, Bob and Carol are typing…"
    assert typing_text(["A", "B", "C", "D", "E"]) == "A, B and 3 others are typing…"


def test_presence_text():
    assert presence_text(None) == ""
    assert presence_text(Presence("online")) == "online"
    assert presence_text(Presence("away")) == "away"
    assert presence_text(Presence("offline")) == "offline"  # last seen hidden
    now = datetime.now(UTC)
    assert presence_text(Presence("offline", now)).startswith("last seen today at ")
    long_ago = presence_text(Presence("offline", now - timedelta(days=40)))
    assert long_ago.startswith("last seen ") and "today" not in long_ago


# the controller on stand-ins
def test_presence_is_fetched_on_connect_kept_live_and_forgotten_offline(world, qtbot):
    api, _rest, listener, chat, _ = world
    assert ("presence",) in api.calls
    assert row(chat, 1).data(ConversationRole.PRESENCE) == "online"
    assert row(chat, 2).data(ConversationRole.PRESENCE) == ""  # groups have no dot
    listener.event_received.emit({"type": "presence", "user_id": BOB, "state": "away", "last_seen": None})
    assert row(chat, 1).data(ConversationRole.PRESENCE) == "away"
    listener.event_received.emit(
        {"type": "presence", "user_id": BOB, "state": "offline", "last_seen": "2026-11-20T09:00:00.000000Z"}
    )
    assert chat.room.presence.get(BOB).last_seen == datetime(2026, 11, 20, 9, tzinfo=UTC)
    listener.disconnected.emit("gone")
    qtbot.waitUntil(lambda: row(chat, 1).data(ConversationRole.PRESENCE) == "", timeout=20000)


def test_a_new_conversation_asks_for_presence_again(world, qtbot):
    api, _rest, listener, _chat, _ = world
    before = api.calls.count(("presence",))
    newcomer = make_conversation(3, members=((ME, "Me"), (4, "Dora"))).raw
    api.add_conversation(newcomer)
    listener.event_received.emit(
        {"type": "conversation.created", "conversation_id": 3, "conversation": newcomer}
    )
    qtbot.waitUntil(lambda: api.calls.count(("presence",)) == before + 1, timeout=20000)


def test_typing_appears_expires_and_stops_when_their_message_arrives(world, qtbot):
    api, _rest, listener, chat, clock = world
    listener.event_received.emit(
        {"type": "typing", "conversation_id": 2, "user_id": BOB, "expires_in_ms": 6000}
    )
    listener.event_received.emit(
        {"type": "typing", "conversation_id": 2, "user_id": CAROL, "expires_in_ms": 6000}
    )
    assert row(chat, 2).data(ConversationRole.TYPING) == "Bob and Carol are typing…"
    assert row(chat, 2).data(Qt.ItemDataRole.AccessibleTextRole) == "Crew: Bob and Carol are typing…"

    deliver(listener, api.post(2, BOB, "done"))
    assert row(chat, 2).data(ConversationRole.TYPING) == "Carol is typing…"

    clock.now += 6.5  # Carol's event runs out
    chat.room.typing.expire()
    assert row(chat, 2).data(ConversationRole.TYPING) == ""


def test_typing_expires_by_itself_on_a_real_timer(qtbot):
    book = TypingBook()
    with qtbot.waitSignal(book.changed, timeout=20000):
        book.start(1, BOB, 50)
    assert book.typists(1) == [BOB]
    with qtbot.waitSignal(book.changed, timeout=20000):
        pass
    assert book.typists(1) == []


def test_my_typing_frames_are_throttled_and_reset_by_sending(world):
    _api, _rest, listener, chat, clock = world
    chat.open_conversation(1)
    for _ in range(5):
        chat.composing()
    assert listener.frames == [{"type": "typing", "conversation_id": 1}]
    clock.now += 3.1
    chat.composing()
    assert len(listener.frames) == 2
    chat.send_text("hi")
    chat.composing()  # typing again right after sending is news
    assert len(listener.frames) == 3


def test_idle_state_is_sent_and_restated_after_a_reconnect(world, qtbot):
    _api, _rest, listener, chat, _ = world
    chat.room.set_idle(True)
    assert listener.frames[-1] == {"type": "presence", "state": "away"}
    listener.disconnected.emit("gone")
    qtbot.waitUntil(lambda: not chat.room.connected, timeout=20000)
    listener.frames.clear()
    chat.room.set_idle(False)
    chat.room.set_idle(True)
    assert listener.frames == []  # nothing to say without a socket
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: listener.frames == [{"type": "presence", "state": "away"}], timeout=20000)


def test_idle_watcher_goes_idle_and_comes_back_on_input(qtbot):
    watcher = IdleWatcher(idle_after_ms=30)
    watcher.start()
    with qtbot.waitSignal(watcher.idle_changed, timeout=20000) as idle:
        pass
    assert idle.args == [True]
    with qtbot.waitSignal(watcher.idle_changed, timeout=20000) as back:
        watcher.user_active()
    assert back.args == [False]
    watcher.stop()


def test_read_events_of_others_make_my_messages_seen(world, qtbot):
    api, _rest, listener, chat, _ = world
    chat.open_conversation(2)
    for text in ("a", "b", "c"):
        deliver(listener, api.post(2, ME, text, client_id=text))
    qtbot.waitUntil(lambda: chat.messages.rowCount() == 3, timeout=20000)
    seen = lambda: [chat.messages.index(r).data(MessageRole.SEEN) for r in range(3)]  # noqa: E731
    assert seen() == ["", "", ""]
    listener.event_received.emit({"type": "read", "conversation_id": 2, "user_id": BOB, "seq": 2})
    assert seen() == ["seen by 1", "seen by 1", ""]
    listener.event_received.emit({"type": "read", "conversation_id": 2, "user_id": CAROL, "seq": 3})
    assert seen() == ["seen by 2", "seen by 2", "seen by 1"]
    listener.event_received.emit({"type": "read", "conversation_id": 2, "user_id": BOB, "seq": 1})
    assert seen()[1] == "seen by 2"  # read positions never move back
    assert chat.state.history.conversations()[0].members  # the positions are cached too
    cached = {c.id: c for c in chat.state.history.conversations()}[2]
    assert {m.user_id: m.last_read_seq for m in cached.members}[CAROL] == 3


def test_blocked_people_with_hide_in_groups_are_collapsed_until_revealed(world, qtbot):
    api, rest, listener, chat, _ = world
    deliver(listener, api.post(2, BOB, "from bob"))
    deliver(listener, api.post(2, CAROL, "from carol"))
    qtbot.waitUntil(lambda: rest.idle, timeout=20000)
    chat.open_conversation(2)
    qtbot.waitUntil(lambda: chat.messages.rowCount() == 2, timeout=20000)
    failures: list[str] = []
    chat.blocks.block(BOB, True, failures.append)
    qtbot.waitUntil(lambda: chat.blocks.is_blocked(BOB), timeout=20000)
    texts = lambda: [chat.messages.index(r).data() for r in range(2)]  # noqa: E731
    assert texts() == [HIDDEN_TEXT, "from carol"]
    assert chat.messages.index(0).data(MessageRole.HIDDEN) is True
    chat.messages.reveal(0)
    assert texts() == ["from bob", "from carol"]
    chat.open_conversation(2)  # opening again collapses it again
    assert texts()[0] == HIDDEN_TEXT
    notified: list[tuple] = []
    chat.notify.connect(lambda *args: notified.append(args))
    chat.close_conversation()
    deliver(listener, api.post(2, BOB, "psst"))
    deliver(listener, api.post(1, BOB, "in our 1:1"))  # 1:1s are not about hide_in_groups
    assert row(chat, 2).data(ConversationRole.PREVIEW) == "Bob: Message from a blocked person"
    assert [n[0] for n in notified] == [1]  # no notification of the hidden group message
    chat.open_conversation(2)
    chat.blocks.unblock(BOB, failures.append)
    qtbot.waitUntil(lambda: not chat.blocks.is_blocked(BOB), timeout=20000)
    assert texts()[:2] == ["from bob", "from carol"]
    assert row(chat, 2).data(ConversationRole.PREVIEW) == "Bob: psst"
    chat.blocks.unblock(BOB, failures.append)  # already unblocked: the list was stale, not an error
    qtbot.waitUntil(lambda: rest.idle, timeout=20000)
    assert failures == []


# the models themselves
def test_seen_labels_in_a_1to1_and_only_on_my_confirmed_messages(qtmodeltester):
    model = MessageListModel(my_id=ME)
    rows = [message(1, sender_id=ME), message(2, sender_id=BOB), message(3, sender_id=ME)]
    pending = message(None, sender_id=ME, text="pending")
    model.show_conversation(
        1, is_group=False, names={}, confirmed=rows, pending=[pending], read_positions={BOB: 1}
    )
    assert [model.index(r).data(MessageRole.SEEN) for r in range(4)] == ["seen", "", "", ""]
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    model.set_read_positions({BOB: 3})
    assert [model.index(r).data(MessageRole.SEEN) for r in range(4)] == ["seen", "", "seen", ""]
    assert changed == [(2, 2)]  # only the rows that changed
    qtmodeltester.check(model)


def test_hidden_rows_pass_the_model_tester(qtmodeltester):
    model = MessageListModel(my_id=ME)
    model.show_conversation(
        1,
        is_group=True,
        names={BOB: "Bob"},
        confirmed=[message(1, sender_id=BOB), message(2, sender_id=ME)],
        hidden_senders={BOB},
    )
    assert model.index(0).data() == HIDDEN_TEXT
    qtmodeltester.check(model)


def test_conversation_model_with_live_stores_passes_the_model_tester(qtmodeltester, qtbot):
    from desktop.models.presence_book import PresenceBook

    model = ConversationListModel(my_id=ME)
    presence, typing = PresenceBook(), TypingBook()
    model.attach_live(presence, typing)
    model.reset([make_conversation(1), make_conversation(2, kind="group", title="Crew")])
    presence.replace_all([{"user_id": BOB, "state": "online", "last_seen": None}])
    typing.start(2, BOB, 6000)
    assert model.index(0).data(ConversationRole.PRESENCE) == "online"
    assert model.index(1).data(ConversationRole.TYPING) == "Bob is typing…"
    assert model.index(0).data(Qt.ItemDataRole.AccessibleTextRole).startswith("Bob (online)")
    qtmodeltester.check(model)


def test_no_typing_from_people_i_blocked(world, qtbot):
    api, rest, listener, chat, _ = world
    listener.event_received.emit(
        {"type": "typing", "conversation_id": 1, "user_id": BOB, "expires_in_ms": 6000}
    )
    assert row(chat, 1).data(ConversationRole.TYPING) == "Bob is typing…"
    chat.blocks.block(BOB, False, lambda error: None)
    qtbot.waitUntil(lambda: chat.blocks.is_blocked(BOB), timeout=20000)
    assert row(chat, 1).data(ConversationRole.TYPING) == ""  # gone at once
    for conversation_id in (1, 2):
        listener.event_received.emit(
            {"type": "typing", "conversation_id": conversation_id, "user_id": BOB, "expires_in_ms": 6000}
        )
    assert row(chat, 1).data(ConversationRole.TYPING) == ""
    assert row(chat, 2).data(ConversationRole.TYPING) == "Bob is typing…"  # groups: only if hidden there
    chat.blocks.block(BOB, True, lambda error: None)
    qtbot.waitUntil(lambda: chat.blocks.hidden_in_groups() == {BOB}, timeout=20000)
    assert row(chat, 2).data(ConversationRole.TYPING) == ""
    assert rest.idle and api.block_rows[BOB]["hide_in_groups"] is True
