"""The chat controller on a stand-in transport: outbox, retries, catch-up, gaps, unread, notifications."""

from __future__ import annotations

import pytest

from desktop.cache import HistoryCache, Outbox, open_cache_database
from desktop.controller.chat import ChatController
from desktop.controller.errors import SESSION_ENDED
from desktop.domain.records import Message
from desktop.models.roles import MessageRole
from desktop.net.http import ApiError, WrongPassword
from tests.desktop.factories import conversation as make_conversation
from tests.desktop.factories import user_json
from tests.desktop.fakes import FakeListener, FakeRest, FakeServerApi, FakeTransfers, wire_message

ME, BOB = 1, 2


@pytest.fixture
def world(qtbot, tmp_path):
    api = FakeServerApi({**user_json(ME, "Me"), "visible": True})
    direct = make_conversation(1).raw
    group = make_conversation(
        2, kind="group", title="Crew", members=((ME, "Me"), (BOB, "Bob"), (3, "Carol"))
    ).raw
    api.add_conversation(direct)
    api.add_conversation(group)
    database = open_cache_database(tmp_path / "cache.sqlite3")
    rest = FakeRest(api)
    listener = FakeListener()
    chat = ChatController(
        api.me_user, rest, listener, HistoryCache(database), Outbox(database), FakeTransfers(rest)
    )
    chat.start()
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: rest.idle and len(chat.conversations.all()) == 2, timeout=20000)
    yield api, rest, listener, chat
    chat.shutdown()
    database.close()


def texts(chat) -> list[str]:
    return [chat.messages.index(r).data() for r in range(chat.messages.rowCount())]


def states(chat) -> list[str]:
    return [chat.messages.index(r).data(MessageRole.STATE) for r in range(chat.messages.rowCount())]


def test_send_goes_through_the_outbox_and_is_shown_once(world, qtbot):
    api, rest, listener, chat = world
    chat.open_conversation(1)
    assert chat.send_text("hello") is True
    assert states(chat) == ["sending"]
    qtbot.waitUntil(lambda: states(chat) == ["sent"], timeout=20000)
    assert chat.state.outbox.pending() == []
    echoed = api.stored[1][0]
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 1, "seq": 1, "message": echoed}
    )
    qtbot.waitUntil(lambda: rest.idle, timeout=20000)
    assert texts(chat) == ["hello"]
    assert not chat.send_text("   \n ")


def test_offline_send_is_retried_with_the_same_client_id(world, qtbot):
    api, _rest, listener, chat = world
    chat.open_conversation(1)
    api.offline = True
    chat.send_text("one")
    chat.send_text("two")
    qtbot.waitUntil(lambda: any(c[0] == "send" for c in api.calls), timeout=20000)
    assert states(chat) == ["sending", "sending"]
    api.offline = False
    listener.connected.emit({"type": "hello"})  # reconnect: the outbox is kicked at once
    qtbot.waitUntil(lambda: states(chat) == ["sent", "sent"], timeout=20000)
    assert texts(chat) == ["one", "two"]
    assert [m["text"] for m in api.stored[1]] == ["one", "two"]
    send_ids = [c[2] for c in api.calls if c[0] == "send"]
    assert set(send_ids) == {m["client_id"] for m in api.stored[1]}  # retries reused the ids


def test_a_refused_message_fails_and_can_be_retried(world, qtbot):
    api, _rest, _listener, chat = world
    chat.open_conversation(1)
    api.fail_next_send = ApiError(400, "invalid_field", "text: too long", None)
    chat.send_text("hi")
    qtbot.waitUntil(lambda: states(chat) == ["failed"], timeout=20000)
    client_id = chat.messages.index(0).data(MessageRole.CLIENT_ID)
    assert "Text: too long" in chat.messages.index(0).data(MessageRole.ERROR)
    chat.retry(client_id)
    qtbot.waitUntil(lambda: states(chat) == ["sent"], timeout=20000)
    assert len(api.stored[1]) == 1


def test_a_refused_token_ends_the_session_once_and_keeps_the_outbox(world, qtbot):
    """One path for "401 means the session ended": any call, then the socket, end it once; the message
    written meanwhile stays in the outbox (not failed), for the same account to send after signing in."""
    api, rest, listener, chat = world
    ended: list[str] = []
    errors: list[str] = []
    chat.session_ended.connect(ended.append)
    chat.error.connect(errors.append)
    chat.open_conversation(1)
    api.revoked = True
    chat.send_text("written just before")
    chat.blocks.block(BOB, False, errors.append)  # one the user asked for
    qtbot.waitUntil(lambda: rest.idle and bool(ended), timeout=20000)
    listener.unauthorized.emit()  # the socket is told too
    assert ended == [SESSION_ENDED]
    assert errors == []  # the refused calls themselves say nothing
    [entry] = chat.state.outbox.pending()
    assert (entry.text, entry.failed) == ("written just before", False)
    assert states(chat) == ["sending"]


def test_a_wrong_password_on_account_deletion_is_the_password_not_the_session(world, qtbot):
    api, rest, _listener, chat = world
    ended: list[str] = []
    said: list[str] = []
    chat.session_ended.connect(ended.append)

    def delete_me(password: str) -> None:
        raise WrongPassword(401, "unauthorized", "wrong password")

    api.delete_me = delete_me
    chat.delete_account("not it", said.append)
    qtbot.waitUntil(lambda: rest.idle and bool(said), timeout=20000)
    assert said == ["That password is not right."] and ended == []


def test_catch_up_fetches_after_the_held_seq_and_merges(world, qtbot):
    api, _rest, listener, chat = world
    for n in range(1, 4):
        api.post(1, BOB, f"m{n}")
    chat.open_conversation(1)
    qtbot.waitUntil(lambda: texts(chat) == ["m1", "m2", "m3"], timeout=20000)
    listener.disconnected.emit("gone")
    assert chat.connection_state == "reconnecting"
    for n in range(4, 7):
        api.post(1, BOB, f"m{n}")
    api.calls.clear()
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: texts(chat) == [f"m{n}" for n in range(1, 7)], timeout=20000)
    assert ("messages", 1, 3, None) in api.calls
    assert chat.connection_state == "online"


def test_a_conversation_active_while_the_list_is_paged_is_not_taken_for_left(world, qtbot):
    api, rest, listener, chat = world
    listener.disconnected.emit("gone")
    api.unlisted = {2}  # it got a message while the client paged: moved to a page already read
    listener.connected.emit({"type": "hello"})
    message = api.post(2, BOB, "while you were paging")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 2, "seq": 1, "message": message}
    )
    qtbot.waitUntil(lambda: rest.idle and chat.connection_state == "online")
    assert {c.id for c in chat.conversations.all()} == {1, 2}


def test_a_conversation_missing_from_the_list_without_news_was_left(world, qtbot):
    api, rest, listener, chat = world
    listener.disconnected.emit("gone")
    api.unlisted = {2}
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: rest.idle and chat.connection_state == "online")
    assert {c.id for c in chat.conversations.all()} == {1}


def test_a_gap_in_live_events_is_filled(world, qtbot):
    api, _rest, listener, chat = world
    chat.open_conversation(1)
    api.post(1, BOB, "m1")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 1, "seq": 1, "message": api.stored[1][0]}
    )
    qtbot.waitUntil(lambda: texts(chat) == ["m1"], timeout=20000)
    api.post(1, BOB, "m2")  # its event is lost
    third = api.post(1, BOB, "m3")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 1, "seq": 3, "message": third}
    )
    qtbot.waitUntil(lambda: texts(chat) == ["m1", "m2", "m3"], timeout=20000)


def test_unread_and_notification_only_when_not_in_front(world, qtbot):
    api, _rest, listener, chat = world
    notes: list[tuple] = []
    chat.notify.connect(lambda *args: notes.append(args))
    chat.open_conversation(1)
    chat.set_viewing(True)
    group_message = api.post(2, BOB, "in the group")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 2, "seq": 1, "message": group_message}
    )
    qtbot.waitUntil(lambda: chat.conversations.get(2).unread_count == 1, timeout=20000)
    assert notes == [(2, "Bob in Crew", "in the group")]
    direct_message = api.post(1, BOB, "in front")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 1, "seq": 1, "message": direct_message}
    )
    qtbot.waitUntil(lambda: ("read", 1, 1) in api.calls, timeout=20000)
    assert chat.conversations.get(1).unread_count == 0
    assert len(notes) == 1


def test_removed_from_a_group_closes_it(world, qtbot):
    _api, _rest, listener, chat = world
    chat.open_conversation(2)
    listener.event_received.emit({"type": "member.removed", "conversation_id": 2, "user_id": ME})
    assert chat.conversations.get(2) is None
    assert chat.state.open_conversation_id is None
    assert chat.state.history.conversations()[0].id == 1


def test_older_history_comes_from_the_server_when_the_cache_runs_out(world, qtbot):
    api, _rest, _listener, chat = world
    for n in range(1, 251):
        api.post(1, BOB, f"m{n}")
    chat.open_conversation(1)
    # the newest page of a never-cached conversation
    qtbot.waitUntil(lambda: chat.messages.rowCount() == 50, timeout=20000)
    model = chat.messages
    model.set_older_wanted(True)
    while model.oldest_seq() != 1:
        before = model.oldest_seq()
        model.fetchMore(model.index(-1))
        qtbot.waitUntil(lambda b=before: model.oldest_seq() < b, timeout=20000)
    assert texts(chat) == [f"m{n}" for n in range(1, 251)]
    assert not model.canFetchMore(model.index(-1))


def test_edit_events_replace_in_place(world, qtbot):
    api, _rest, listener, chat = world
    chat.open_conversation(1)
    first = api.post(1, BOB, "frist")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 1, "seq": 1, "message": first}
    )
    edited = dict(first, text="first", edited_at=first["created_at"])
    listener.event_received.emit(
        {"type": "message.edited", "conversation_id": 1, "seq": 1, "message": edited}
    )
    assert texts(chat) == ["first"]
    assert chat.messages.index(0).data(MessageRole.EDITED) is True
    tomb = wire_message(1, 1, BOB, first["client_id"], None)
    listener.event_received.emit({"type": "message.deleted", "conversation_id": 1, "seq": 1, "message": tomb})
    assert chat.messages.index(0).data(MessageRole.DELETED) is True
    assert isinstance(chat.messages.index(0).data(MessageRole.MESSAGE), Message)


def test_only_my_own_read_events_clear_my_badge(world, qtbot):
    api, _rest, listener, chat = world
    message = api.post(1, BOB, "hi")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 1, "seq": 1, "message": message}
    )
    assert chat.conversations.get(1).unread_count == 1
    listener.event_received.emit({"type": "read", "conversation_id": 1, "user_id": BOB, "seq": 1})
    assert chat.conversations.get(1).unread_count == 1  # Bob reading his own message changes nothing of mine
    listener.event_received.emit({"type": "read", "conversation_id": 1, "user_id": ME, "seq": 1})
    assert chat.conversations.get(1).unread_count == 0  # read on my other device
