"""Limits are known before sending (issue 12 item 5), with the real widgets against a real server: the client
reads GET /limits at sign-in; the composer refuses an over-long text and an over-large file with the reason on
its notice line; a refused message says why inside its bubble, at 4.5:1 in light and dark; retry is offered
only where it can work; Discard gives a text back to the composer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from desktop.domain.records import FAILED
from desktop.domain.send_limits import MIB, SendLimits
from desktop.models.roles import MessageRole
from desktop.views import failure_note, palette_colors
from tests.desktop.pairs import signed_in_pair
from tests.desktop.test_connection_status import dark_palette, light_palette

pytestmark = pytest.mark.slow
PALETTES = pytest.mark.parametrize("palette", [light_palette, dark_palette], ids=["light", "dark"])


@pytest.fixture
def small_server(server_factory):
    """A server that takes files of 1 MB at most."""
    return server_factory(extra_env={"CHATIDK_MAX_UPLOAD_MB": "1"})


@pytest.fixture
def chat_pair(small_server, desktop_client, qtbot):
    alice, bob, conversation_id = signed_in_pair(small_server, desktop_client, qtbot)
    # Read at sign-in: the composer knows this server's own file limit, not the built-in 100 MB.
    qtbot.waitUntil(lambda: alice.session.panel.composer.limits.max_upload_bytes == MIB, timeout=20000)
    yield alice, bob, conversation_id
    QApplication.setPalette(light_palette())


def last_row(client):
    model = client.chat.messages
    return model.index(model.rowCount() - 1)


def server_texts(client, conversation_id: int) -> list[str]:
    return [m.text for m in client.chat.state.history.latest_messages(conversation_id, 50)]


def test_the_limits_are_read_at_sign_in(chat_pair):
    alice, _, _ = chat_pair
    assert alice.chat.limits == SendLimits(
        max_message_chars=10_000, max_upload_bytes=MIB, max_files_per_message=10
    )
    assert alice.session.files.uploads.chat.limits.max_upload_bytes == MIB


@PALETTES
def test_an_over_long_text_is_refused_in_the_composer_with_the_reason(chat_pair, qtbot, palette):
    QApplication.setPalette(palette())
    alice, bob, conversation_id = chat_pair
    composer = alice.session.panel.composer
    limit = alice.chat.limits.max_message_chars
    composer.edit.setPlainText("😀" * (limit - 2))  # code points, as the server counts: 2 UTF-16 units each
    composer.edit.moveCursor(QTextCursor.MoveOperation.End)
    assert composer.notice.isVisible() and composer.notice.text() == "2 characters left"
    assert composer.send_button.isEnabled()

    qtbot.keyClicks(composer.edit, "abc")
    assert composer.notice.isVisible() and composer.notice.kind == "problem"
    assert composer.notice.text() == (
        "Too long to send: 10,001 characters, the limit is 10,000. "
        "Shorten it by 1 character or send it as several messages."
    )
    window = alice.session.window
    notice_color = composer.notice.color()
    assert composer.notice.palette().color(composer.notice.foregroundRole()) == notice_color
    background = window.palette().color(window.palette().ColorRole.Window)
    assert palette_colors.contrast_ratio(notice_color, background) >= 4.5
    assert not composer.send_button.isEnabled()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)  # refused here: nothing queued, nothing cleared
    assert alice.chat.state.outbox.entries() == []
    assert len(composer.edit.toPlainText()) == limit + 1

    qtbot.keyClick(composer.edit, Qt.Key.Key_Backspace)
    assert composer.notice.text() == "0 characters left" and composer.send_button.isEnabled()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert composer.edit.toPlainText() == "" and not composer.notice.isVisible()
    qtbot.waitUntil(lambda: bob.chat.state.history.latest_messages(conversation_id, 1) != [], timeout=30000)
    assert server_texts(bob, conversation_id) == ["😀" * (limit - 2) + "ab"]


def test_a_file_over_the_limit_is_not_staged_and_the_composer_says_why(chat_pair, qtbot, tmp_path):
    alice, _, _ = chat_pair
    composer = alice.session.panel.composer
    big = tmp_path / "holiday.mov"
    big.write_bytes(b"x" * (MIB + 1))
    small = tmp_path / "notes.txt"
    small.write_text("fine")
    composer.stage_files([big, small])
    assert composer.staged.paths == [small]
    assert composer.notice.isVisible() and composer.notice.kind == "problem"
    assert composer.notice.text() == "holiday.mov is 1.0 MB; files can be at most 1.0 MB on this server."
    composer.submit()
    assert not composer.notice.isVisible()
    assert [a.name for e in alice.chat.state.outbox.entries() for a in e.attachments] == ["notes.txt"]


@PALETTES
def test_a_refused_text_says_why_in_its_bubble_offers_no_retry_and_discard_gives_it_back(
    chat_pair, qtbot, palette
):
    QApplication.setPalette(palette())
    alice, _, conversation_id = chat_pair
    composer = alice.session.panel.composer
    view = alice.session.panel.messages
    qtbot.keyClicks(composer.edit, "already written")
    too_long = "x" * (alice.chat.limits.max_message_chars + 1)
    alice.chat.send_text(too_long)  # as an older client's outbox would hold it: the server refuses it
    qtbot.waitUntil(lambda: last_row(alice).data(MessageRole.STATE) == FAILED, timeout=30000)

    index = last_row(alice)
    assert index.data(MessageRole.ERROR) == "The message must be at most 10000 characters."
    assert index.data(MessageRole.RETRYABLE) is False  # the same text would be refused again
    delegate = view.bubble_delegate
    option = view._option_for(index)
    geometry = delegate._geometry(option, index)
    assert geometry.failure is not None
    assert geometry.failure.layout.text() == "The message must be at most 10000 characters."
    assert geometry.height <= view.visualRect(index).height() + 1  # measured with the reason in it
    fill, text = palette_colors.my_bubble(QApplication.palette())
    reason_color = failure_note.text_color(QApplication.palette(), fill, text)
    assert palette_colors.contrast_ratio(reason_color, fill) >= 4.5

    view.scrollTo(index)
    bubble = delegate.bubble_rect(view._option_for(index), index).toRect()
    visible = bubble.intersected(view.viewport().rect())  # the bubble is taller than the view
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=visible.center())
    qtbot.waitUntil(lambda: view.menu is not None and view.menu.isVisible(), timeout=10000)
    items = [a.text() for a in view.menu.actions() if not a.isSeparator()]
    assert "Retry sending" not in items
    assert last_row(alice).data(MessageRole.STATE) == FAILED  # the click retried nothing
    discard = next(a for a in view.menu.actions() if a.text().startswith("Discard"))
    view.menu.close()
    discard.trigger()

    assert alice.chat.state.outbox.entries() == []
    assert composer.edit.toPlainText() == "already written\n" + too_long
    assert composer.notice.kind == "problem"  # and the composer says what to change
    assert conversation_id == alice.chat.open_conversation_id


def test_a_refused_file_offers_no_retry_but_a_message_whose_files_can_go_again_does(
    chat_pair, qtbot, tmp_path
):
    alice, _, _ = chat_pair
    view = alice.session.panel.messages
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (MIB + 1))
    alice.session.files.send_files([big])  # past the composer (a file that grew after staging): a 413
    qtbot.waitUntil(lambda: last_row(alice).data(MessageRole.STATE) == FAILED, timeout=30000)
    assert last_row(alice).data(MessageRole.RETRYABLE) is False
    alice.session.files.uploads.discard(last_row(alice).data(MessageRole.CLIENT_ID))
    qtbot.waitUntil(lambda: alice.chat.state.outbox.entries() == [], timeout=20000)

    # A message refused after its files were uploaded (they had expired, say): uploading them afresh can
    # work, so the bubble offers it and a click retries.
    small = tmp_path / "small.txt"
    small.write_text("again")
    alice.chat.outbox_sender.stop()  # so it is refused by us, not sent
    (client_id,) = alice.session.files.send_files([small])
    qtbot.waitUntil(lambda: alice.chat.state.outbox.get(client_id).ready, timeout=30000)
    alice.chat.state.outbox.mark_failed(client_id, "Files: the upload is no longer there.")
    alice.chat.show_failed(client_id, "Files: the upload is no longer there.")
    index = last_row(alice)
    assert index.data(MessageRole.RETRYABLE) is True
    view.scrollTo(index)
    bubble = view.bubble_delegate.bubble_rect(view._option_for(index), index).toRect()
    with qtbot.waitSignal(view.retry_requested, timeout=10000) as retried:
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(bubble.right() - 20, bubble.bottom() - 6)
        )
    assert retried.args == [client_id]


def test_the_domain_rule_for_retry():
    limits = SendLimits(max_upload_bytes=10)
    assert not limits.retry_can_succeed([])  # a text: refused again
    assert not limits.retry_can_succeed([None])
    assert not limits.retry_can_succeed(["/no/such/file"])
    assert SendLimits.from_json({"max_message_chars": "many", "max_upload_bytes": 5}) == SendLimits(
        max_upload_bytes=5
    )
    assert SendLimits.from_json(None) == SendLimits()
