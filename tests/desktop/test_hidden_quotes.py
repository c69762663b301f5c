"""A reply's quote of a message I deleted for me reads "Deleted message", against a real server: the server
keeps one quote for everyone (Bob still reads its text), so the client remembers what I hid (cache schema 8)
— live on all my devices, for replies that come later, on a device that was away (the change stream), on a
new device (a page leaves the hidden seq out), and after a restart; a click on it asks nothing."""

from __future__ import annotations

import uuid

from desktop.models.roles import MessageRole
from tests.support.api import PASSWORD, ApiClient, register


def _quote(handle, seq: int):
    row = handle.chat.messages.row_of_seq(seq)
    return None if row is None else handle.chat.messages.index(row, 0).data(MessageRole.QUOTE)


def _quote_line(handle, seq: int) -> str | None:
    quote = _quote(handle, seq)
    return None if quote is None else quote.line


def _reply(api: ApiClient, conversation_id: int, to: int, text: str) -> None:
    body = {"client_id": str(uuid.uuid4()), "text": text, "reply_to_seq": to}
    assert api.post(f"/conversations/{conversation_id}/messages", body).status_code == 201


def _setup(live_server):
    """Bob's messages 1–3 and his reply to 2 (seq 4) in a 1:1 with Alice."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    for n in (1, 2, 3):
        assert bob.send(direct, f"message {n}").status_code == 201
    _reply(bob, direct, 2, "about 2")
    return bob, direct


def _device(desktop_client, qtbot, live_server, name: str, direct: int, *, signed_in: bool = False):
    handle = desktop_client(name, live_server.url)
    if signed_in:
        handle.app.start()  # kept signed in: the cache of before
        qtbot.waitUntil(lambda: handle.app.chat_session is not None, timeout=30000)
    else:
        handle.sign_in("alice", PASSWORD)
    handle.wait_online()
    qtbot.waitUntil(lambda: handle.chat.conversations.get(direct) is not None, timeout=30000)
    return handle


def _open(handle, qtbot, direct: int, newest: int) -> None:
    handle.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: handle.chat.messages.row_of_seq(newest) is not None, timeout=30000)


def _bobs_quote(bob: ApiClient, direct: int, seq: int) -> dict:
    return next(m for m in bob.messages_after(direct) if m["seq"] == seq)["reply_to"]


def test_live_on_all_my_devices_and_for_replies_that_come_later(live_server, desktop_client, qtbot):
    bob, direct = _setup(live_server)
    laptop = _device(desktop_client, qtbot, live_server, "alice-laptop", direct)
    desktop = _device(desktop_client, qtbot, live_server, "alice-desktop", direct)
    for handle in (laptop, desktop):
        _open(handle, qtbot, direct, 4)
        assert _quote_line(handle, 4) == "message 2" and not _quote(handle, 4).deleted

    laptop.chat.hide_message(2)
    for handle in (laptop, desktop):  # my answer on one, message.hidden on the other
        qtbot.waitUntil(lambda h=handle: _quote_line(h, 4) == "Deleted message", timeout=30000)
        assert _quote(handle, 4).deleted and handle.chat.messages.row_of_seq(2) is None
        assert handle.chat.state.history.hidden_for_me(direct, [1, 2, 3]) == {2}
        cached = handle.chat.state.history.message(direct, 4)
        assert cached.reply_to.hidden and cached.reply_to.snippet == "message 2"  # the server's quote kept
    assert _bobs_quote(bob, direct, 4)["snippet"] == "message 2"  # nothing changed for Bob

    _reply(bob, direct, 2, "still about 2")  # Bob may still answer it: live, the quote reads the same
    for handle in (laptop, desktop):
        qtbot.waitUntil(lambda h=handle: _quote_line(h, 5) == "Deleted message", timeout=30000)
    assert _bobs_quote(bob, direct, 5)["snippet"] == "message 2"

    notices: list[str] = []
    laptop.chat.notice.connect(notices.append)
    with qtbot.waitSignal(laptop.chat.jump_failed, timeout=10000) as failed:
        laptop.chat.jump_to_message(direct, 2)  # what a click on the quote does: nothing to ask
    assert failed.args == [direct, 2] and notices == ["That message was deleted for you."]
    bob.session.close()


def test_a_device_that_was_away_a_new_device_and_a_restart(live_server, desktop_client, qtbot):
    bob, direct = _setup(live_server)
    laptop = _device(desktop_client, qtbot, live_server, "alice-laptop", direct)
    desktop = _device(desktop_client, qtbot, live_server, "alice-desktop", direct)
    _open(laptop, qtbot, direct, 4)
    _open(desktop, qtbot, direct, 4)
    desktop.close()  # holds 1–4

    laptop.chat.hide_message(2)
    qtbot.waitUntil(lambda: _quote_line(laptop, 4) == "Deleted message", timeout=30000)
    _reply(bob, direct, 2, "still about 2")  # while the desktop is away

    # Back: the seq catch-up brings 5, the change stream's hidden entry drops 2 and is remembered.
    again = _device(desktop_client, qtbot, live_server, "alice-desktop", direct, signed_in=True)
    history = again.chat.state.history
    qtbot.waitUntil(
        lambda: history.message(direct, 2) is None and history.message(direct, 5) is not None, timeout=30000
    )
    remembered = history.db.execute("SELECT seq FROM hidden WHERE conversation_id = ?", (direct,))
    assert remembered.fetchall() == [(2,)]
    _open(again, qtbot, direct, 5)
    assert (_quote_line(again, 4), _quote_line(again, 5)) == ("Deleted message", "Deleted message")

    # A new device never heard of the hide: its first page leaves seq 2 out, which says as much.
    fresh = _device(desktop_client, qtbot, live_server, "alice-phone", direct)
    _open(fresh, qtbot, direct, 5)
    assert (_quote_line(fresh, 4), _quote_line(fresh, 5)) == ("Deleted message", "Deleted message")

    # After a restart, from the cache alone (before the socket is even back).
    again.close()
    third = desktop_client("alice-desktop", live_server.url)
    third.app.start()
    qtbot.waitUntil(lambda: third.app.chat_session is not None, timeout=30000)
    third.chat.open_conversation(direct)
    assert (_quote_line(third, 4), _quote_line(third, 5)) == ("Deleted message", "Deleted message")
    bob.session.close()
