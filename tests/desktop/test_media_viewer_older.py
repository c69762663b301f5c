"""The media viewer past the loaded history, against a real server: ← on the first loaded picture pages
older history in (text-only pages skipped) and goes on seamlessly, newest to oldest, to the conversation's
first picture, each with its preview until its file is there; the chat's own window does not move;
offline, the cache serves what it holds, and what it does not hold is said."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.session.older_gallery import OFFLINE
from desktop.views.media_viewer import FIRST_ITEM
from tests.desktop.history_seed import bulk_messages
from tests.desktop.test_files import make_image, rows_with_files
from tests.support.api import PASSWORD, ApiClient, register

TEXT_BETWEEN = 450  # more than the first page and two older pages hold (200 each)


def _send_picture(api: ApiClient, conversation_id: int, path) -> None:
    stored = api.post("/files", data=path.read_bytes(), params={"name": path.name}, timeout=30)
    assert stored.status_code == 201, stored.text
    sent = api.post(
        f"/conversations/{conversation_id}/messages",
        {"client_id": str(uuid.uuid4()), "text": path.stem, "file_ids": [stored.json()["file"]["id"]]},
    )
    assert sent.status_code == 201, sent.text


def _chat_with_old_pictures(live_server, database_url, desktop_client, qtbot, tmp_path):
    """Bob (API) sends old1-3 and a text, then TEXT_BETWEEN texts, then newest.png; Alice opens it at its
    newest and the viewer on newest.png. Returns (alice, viewer)."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    direct = bob.direct_with(alice_api)
    for n in (1, 2, 3):
        _send_picture(bob, direct, make_image(tmp_path / f"old{n}.png", 300 + 40 * n, 200))
    bob.send(direct, "between")
    bulk_messages(database_url, direct, bob.id, TEXT_BETWEEN)
    _send_picture(bob, direct, make_image(tmp_path / "newest.png", 400, 300))
    last = 4 + TEXT_BETWEEN + 1
    assert alice_api.post(f"/conversations/{direct}/read", {"seq": last}).status_code == 200
    for api in (alice_api, bob):
        api.session.close()
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct) is not None, timeout=30000)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.newest_seq() == last, timeout=30000)
    qtbot.waitUntil(lambda: len(rows_with_files(alice.chat)) == 1, timeout=30000)
    return alice, _open_viewer(alice, qtbot)


def _open_viewer(alice, qtbot):
    alice.session.window.show()
    alice.session.panel.messages.attachment_activated.emit(rows_with_files(alice.chat)[-1], 0, "preview")
    viewer = alice.session.files.viewer
    assert viewer is not None
    qtbot.waitExposed(viewer)
    # the viewer in front, as a person sees it: otherwise the chat's own shortcuts would take Esc
    qtbot.waitUntil(lambda: QApplication.activeWindow() is viewer, timeout=10000)
    return viewer


def _names(viewer) -> list[str]:
    return [item.name for item in viewer.items]


def test_left_past_the_loaded_history_brings_older_pictures_to_the_first_then_offline_from_the_cache(
    live_server, database_url, desktop_client, qtbot, tmp_path
):
    alice, viewer = _chat_with_old_pictures(live_server, database_url, desktop_client, qtbot, tmp_path)
    model = alice.chat.messages
    window = (model.oldest_seq(), model.newest_seq())
    assert window[0] > 4  # the old pictures are not loaded
    assert _names(viewer) == ["newest.png"] and viewer.previous_button.isEnabled()

    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.loading_older and viewer.status.text() == "Loading older pictures and videos…"
    qtbot.keyClick(viewer, Qt.Key.Key_Left)  # while loading: no second request, nothing skipped
    qtbot.waitUntil(lambda: len(viewer.items) == 4, timeout=60000)
    assert _names(viewer) == ["old1.png", "old2.png", "old3.png", "newest.png"]
    assert viewer.index == 2 and viewer.counter.text() == "3 of 4" and viewer.title.text() == "old3.png"
    assert not viewer.loading_older and not viewer.more_before  # the page reached seq 1
    assert (model.oldest_seq(), model.newest_seq()) == window  # the chat did not move
    for expected in ("old2.png", "old1.png"):
        qtbot.keyClick(viewer, Qt.Key.Key_Left)
        assert viewer.title.text() == expected
    assert not viewer.previous_button.isEnabled()
    # each paged-in picture shown got its preview (none was cached: the chat never showed them)
    qtbot.waitUntil(lambda: all(item.preview is not None for item in viewer.items), timeout=30000)
    assert viewer.items[0].preview.width() <= 512
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    assert viewer.index == 0 and viewer.status.text() == FIRST_ITEM
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.title.text() == "old2.png"
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=10000)

    # offline: the pages just fetched are in the cache, and stepping back goes through them again
    live_server.stop()
    viewer = _open_viewer(alice, qtbot)
    assert _names(viewer) == ["newest.png"]
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: len(viewer.items) == 4, timeout=30000)
    assert viewer.title.text() == "old3.png" and not viewer.more_before
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)


def test_offline_with_nothing_older_cached_says_so_and_tries_again(
    live_server, database_url, desktop_client, qtbot, tmp_path
):
    _alice, viewer = _chat_with_old_pictures(live_server, database_url, desktop_client, qtbot, tmp_path)
    live_server.stop()
    for _attempt in range(2):  # the next ← asks again
        qtbot.keyClick(viewer, Qt.Key.Key_Left)
        qtbot.waitUntil(lambda: not viewer.loading_older, timeout=60000)
        assert viewer.status.text() == OFFLINE
        assert _names(viewer) == ["newest.png"] and viewer.index == 0 and viewer.more_before
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)


def test_an_answer_after_the_viewer_closed_is_dropped(
    live_server, database_url, desktop_client, qtbot, tmp_path
):
    alice, viewer = _chat_with_old_pictures(live_server, database_url, desktop_client, qtbot, tmp_path)
    history, conversation_id = alice.chat.state.history, alice.chat.messages.conversation_id
    oldest = alice.chat.messages.oldest_seq()
    qtbot.keyClick(viewer, Qt.Key.Key_Left)
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=10000)
    # the page is stored and announced in one callback: once the cache holds it, the viewer has heard it
    qtbot.waitUntil(lambda: history.run_before(conversation_id, oldest, 1).messages != [], timeout=60000)
    assert _names(viewer) == ["newest.png"]
    assert not viewer.loading_older and alice.chat.messages.oldest_seq() == oldest
