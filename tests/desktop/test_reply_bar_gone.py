"""The composer's reply bar reads "Deleted message" (in italics, as a deleted quote in a bubble) once the
message it answers is deleted for me or for everyone, and its new words once it is edited, against a real
server: live while the bar is shown, and when the draft comes back (switching chats, a restart, from the
cache alone). Sending still goes to the server, whose answer decides what the stored quote says."""

from __future__ import annotations

from tests.support.api import PASSWORD, ApiClient, register


def _setup(live_server, desktop_client, qtbot):
    """Bob's messages 1–3 in a 1:1 with Alice, and a group for Alice to switch to; Alice in her client."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    me = ApiClient(live_server.url, "alice", register_first=False)
    direct = bob.direct_with(me)
    r = bob.post("/conversations", {"kind": "group", "title": "Climbing", "member_ids": [me.id]})
    group = r.json()["conversation"]["id"]
    for n in (1, 2, 3):
        assert bob.send(direct, f"message {n}").status_code == 201
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    qtbot.waitUntil(lambda: alice.chat.conversations.get(group) is not None, timeout=30000)
    _open(alice, qtbot, direct, 3)
    return alice, bob, me, direct, group


def _open(handle, qtbot, conversation_id: int, newest: int) -> None:
    handle.chat.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: handle.chat.messages.row_of_seq(newest) is not None, timeout=30000)


def _reply(handle, seq: int, text: str):
    composer = handle.session.panel.composer
    quote = handle.chat.quote_for(seq)
    assert quote is not None
    composer.start_reply(quote)
    composer.edit.insertPlainText(text)
    assert composer.reply_bar.snippet.text() == f"message {seq}"
    assert not composer.reply_bar.snippet.font().italic()
    return composer


def _says_deleted(composer) -> bool:
    bar = composer.reply_bar
    return bar.isVisible() and bar.snippet.text() == "Deleted message" and bar.snippet.font().italic()


def test_the_bar_follows_a_hide_and_a_deletion_while_shown_and_the_send_still_goes(
    live_server, desktop_client, qtbot
):
    alice, bob, _me, direct, _group = _setup(live_server, desktop_client, qtbot)
    composer = _reply(alice, 2, "about 2")
    alice.chat.hide_message(2)  # delete for me, on this device
    qtbot.waitUntil(lambda: _says_deleted(composer), timeout=30000)
    assert composer.reply_to is not None and composer.reply_to.hidden and composer.reply_to.seq == 2
    assert composer.reply_bar.title.text() == "Reply to Bob" and composer.edit.toPlainText() == "about 2"

    composer.submit()  # the server still takes it (it is hidden for me only) and keeps its quote's text
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(4) is not None, timeout=30000)
    assert bob.messages_after(direct)[-1]["reply_to"]["snippet"] == "message 2"
    cached = alice.chat.state.history.message(direct, 4)
    assert cached is not None and cached.reply_to is not None and cached.reply_to.hidden

    composer = _reply(alice, 3, "about 3")
    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{direct}/messages/3", timeout=10).ok
    qtbot.waitUntil(lambda: _says_deleted(composer), timeout=30000)  # message.deleted, live
    assert composer.reply_to is not None and composer.reply_to.deleted and composer.reply_to.snippet is None
    failures: list[str] = []
    alice.chat.outbox_sender.failed.connect(lambda _client_id, error: failures.append(error))
    composer.submit()  # the server refuses a reply to a deleted message: its answer is shown as the failure
    qtbot.waitUntil(lambda: bool(failures), timeout=30000)
    bob.session.close()


def test_a_draft_whose_original_went_while_away_comes_back_saying_so(live_server, desktop_client, qtbot):
    alice, bob, me, direct, group = _setup(live_server, desktop_client, qtbot)
    _reply(alice, 2, "about 2")
    alice.chat.open_conversation(group)  # the draft waits
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id == group, timeout=30000)
    assert me.session.put(f"{me.url}/api/v1/conversations/{direct}/messages/2/hidden", timeout=10).ok
    qtbot.waitUntil(lambda: alice.chat.state.history.hidden_for_me(direct, [2]) == {2}, timeout=30000)

    alice.chat.open_conversation(direct)  # back: from the cache, before anything is asked
    composer = alice.session.panel.composer
    assert _says_deleted(composer) and composer.edit.toPlainText() == "about 2"

    _reply(alice, 3, "about 3")
    alice.session.drafts.save()
    alice.close()
    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{direct}/messages/3", timeout=10).ok
    again = desktop_client("alice", live_server.url)
    again.app.start()  # kept signed in: the draft and cache of before; the change stream brings the deletion
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.chat.open_conversation(direct)
    composer = again.session.panel.composer
    qtbot.waitUntil(lambda: _says_deleted(composer), timeout=30000)
    assert composer.reply_to is not None and composer.reply_to.deleted

    again.session.drafts.save()
    again.close()
    third = desktop_client("alice", live_server.url)
    third.app.start()
    qtbot.waitUntil(lambda: third.app.chat_session is not None, timeout=30000)
    third.chat.open_conversation(direct)  # a restart, from the cache alone
    assert _says_deleted(third.session.panel.composer)
    bob.session.close()


def test_the_bar_shows_the_originals_new_words_live_and_when_the_draft_comes_back(
    live_server, desktop_client, qtbot
):
    alice, bob, _me, direct, group = _setup(live_server, desktop_client, qtbot)
    composer = _reply(alice, 2, "about 2")
    assert bob.patch(f"/conversations/{direct}/messages/2", {"text": "message 2, \n  edited"}).ok
    qtbot.waitUntil(lambda: composer.reply_bar.snippet.text() == "message 2, edited", timeout=30000)  # live
    assert composer.reply_to is not None and composer.reply_to.seq == 2 and not composer.reply_to.gone
    assert composer.edit.toPlainText() == "about 2" and not composer.reply_bar.snippet.font().italic()

    alice.chat.open_conversation(group)  # the draft waits; the edit after it reaches the cache
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id == group, timeout=30000)
    assert bob.patch(f"/conversations/{direct}/messages/2", {"text": "message 2, twice"}).ok

    def cached_twice() -> bool:
        held = alice.chat.state.history.message(direct, 2)
        return held is not None and (held.text or "").endswith("twice")

    qtbot.waitUntil(cached_twice, timeout=30000)
    alice.chat.open_conversation(direct)  # back: the bar in the latest words, from the cache
    composer = alice.session.panel.composer
    assert composer.reply_bar.isVisible() and composer.reply_bar.snippet.text() == "message 2, twice"
    assert composer.edit.toPlainText() == "about 2"

    composer.submit()  # the stored quote says what the original says now
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(4) is not None, timeout=30000)
    assert bob.messages_after(direct)[-1]["reply_to"]["snippet"] == "message 2, twice"
    bob.session.close()
