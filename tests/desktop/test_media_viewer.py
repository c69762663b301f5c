"""The media viewer against a real server: a picture opened from its bubble shows over the app window; ← / →
step through the conversation's pictures and videos in order (files that are not media are left out);
Ctrl +/−/0 and the wheel zoom; Ctrl+S saves the exact bytes; Esc closes, on a picture and on a video."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from desktop.domain.attachments import IMAGE, VIDEO, Attachment
from desktop.domain.gallery import gallery_of, position_of
from desktop.domain.records import Message
from desktop.views.symbols import IconButton
from tests.desktop.test_files import ffmpeg, make_image, rows_with_files


@pytest.fixture
def opened_externally(monkeypatch):
    """Paths handed to the system's own app (a video no backend here can play; never really launched)."""
    from desktop.session.files import FileSharing

    opened: list[Path] = []
    monkeypatch.setattr(FileSharing, "_open_path", staticmethod(opened.append))
    return opened


def sent_media(pair, qtbot, tmp_path):
    """Alice sends a picture, a PDF, a video and a message of two pictures; Bob holds all four messages.
    Returns (bob, the rows of Bob's messages with files)."""
    alice, bob, _ = pair
    video = tmp_path / "clip.webm"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=10", "-c:v", "libvpx-vp9", str(video))
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    batches = [
        [make_image(tmp_path / "first.png", 800, 500)],
        [pdf],
        [video],
        [make_image(tmp_path / "second.png", 640, 480), make_image(tmp_path / "third.png", 500, 900)],
    ]
    for count, paths in enumerate(batches, 1):  # one after the other: uploads racing would mix the order
        alice.session.files.send_files(paths)
        qtbot.waitUntil(lambda n=count: len(rows_with_files(bob.chat)) == n, timeout=30000)

    def all_uploaded() -> bool:
        rows = rows_with_files(bob.chat)
        files = [a for r in rows for a in bob.chat.messages.message_at(r).attachments]
        return len(rows) == 4 and all(a.uploaded and a.kind in (IMAGE, VIDEO, "file") for a in files)

    qtbot.waitUntil(all_uploaded, timeout=60000)
    return bob, rows_with_files(bob.chat)


def open_from_bubble(qtbot, bob, row: int):
    """What a click on the first file of ``row`` does (the list's attachment_activated signal: a click at a
    painted spot is test_files' job, and here new rows scrolling the list would move the spot)."""
    bob.session.window.show()
    bob.session.panel.messages.attachment_activated.emit(row, 0, "preview")
    viewer = bob.session.files.viewer
    assert viewer is not None
    qtbot.waitExposed(viewer)
    return viewer


def test_arrows_step_through_the_pictures_and_videos_in_order_and_esc_closes(
    pair, qtbot, tmp_path, opened_externally
):
    bob, rows = sent_media(pair, qtbot, tmp_path)
    viewer = open_from_bubble(qtbot, bob, rows[0])
    names = [item.name for item in viewer.items]
    assert names == ["first.png", "clip.webm", "second.png", "third.png"]  # no PDF: it is no media
    assert viewer.index == 0 and viewer.counter.text() == "1 of 4"
    assert viewer.palette().color(viewer.backgroundRole()).lightness() < 40  # dark in a light theme too
    for button in viewer.findChildren(IconButton):  # light icons on it, whatever the app's theme
        assert button.palette().color(button.palette().ColorRole.ButtonText).lightness() > 200
    qtbot.waitUntil(lambda: viewer.full_size is not None, timeout=20000)
    assert (viewer.full_size.width(), viewer.full_size.height()) == (800, 500)
    assert not viewer.previous_button.isEnabled()
    qtbot.keyClick(viewer, Qt.Key.Key_Left)  # nothing before the first
    assert viewer.index == 0

    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.index == 1 and viewer.items[1].is_video and viewer.title.text() == "clip.webm"
    assert not any(button.isEnabled() for button in viewer.zoom_buttons)
    qtbot.waitUntil(
        lambda: (
            viewer.video_player is not None or opened_externally != [] or "system" in viewer.status.text()
        ),
        timeout=20000,
    )
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.index == 2 and viewer.video_player is None  # the video stopped on leaving it
    qtbot.waitUntil(lambda: viewer.full_size is not None, timeout=20000)
    assert (viewer.full_size.width(), viewer.full_size.height()) == (640, 480)
    viewer.next_button.click()
    assert viewer.index == 3 and viewer.counter.text() == "4 of 4" and not viewer.next_button.isEnabled()
    qtbot.waitUntil(lambda: viewer.full_size is not None, timeout=20000)
    assert (viewer.full_size.width(), viewer.full_size.height()) == (500, 900)
    qtbot.keyClick(viewer, Qt.Key.Key_Right)  # nothing after the last
    assert viewer.index == 3

    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=10000)

    # opened again on the video, Esc closes it there too (the embedded player has no Esc of its own)
    viewer = open_from_bubble(qtbot, bob, rows[2])
    assert viewer.index == 1
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=10000)
    assert viewer.video_player is None


def test_zoom_by_keys_and_wheel_and_ctrl_s_saves_the_exact_bytes(pair, qtbot, tmp_path, monkeypatch):
    alice, bob, _ = pair
    original = make_image(tmp_path / "big.png", 1600, 1000)
    alice.session.files.send_files([original])
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    qtbot.waitUntil(
        lambda: bob.chat.messages.message_at(rows_with_files(bob.chat)[0]).attachments[0].uploaded
    )
    viewer = open_from_bubble(qtbot, bob, rows_with_files(bob.chat)[0])
    qtbot.waitUntil(lambda: viewer.full_size is not None, timeout=20000)
    fitted = viewer.view.transform().m11()
    qtbot.keyClick(viewer, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.view.transform().m11() == pytest.approx(fitted * 1.25)
    assert not viewer.view.fitting
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(viewer, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert viewer.view.transform().m11() == pytest.approx(fitted / 1.25)
    qtbot.keyClick(viewer, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.view.fitting and viewer.view.transform().m11() == pytest.approx(fitted)
    viewport = viewer.view.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    wheel = QWheelEvent(
        centre,
        viewport.mapToGlobal(centre),
        QPoint(),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, wheel)
    assert viewer.view.transform().m11() == pytest.approx(fitted * 1.25)
    viewer.actual_size()
    assert viewer.view.transform().m11() == pytest.approx(1.0)

    target = tmp_path / "saved" / "copy.png"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    with qtbot.waitSignal(bob.session.files.access.saved, timeout=30000):
        qtbot.keyClick(viewer, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(original.read_bytes()).digest()
    viewer.close_button.click()
    assert not viewer.isVisible()


def _message(seq: int, *attachments: Attachment, deleted: bool = False) -> Message:
    from datetime import UTC, datetime

    return Message(
        1, seq, 7, f"c{seq}", "", datetime.now(UTC), deleted=deleted, attachments=list(attachments)
    )


def _file(file_id: str, content_type: str, *, thumb: bool = True) -> Attachment:
    return Attachment(
        f"{file_id}.bin", 10, content_type, id=file_id * 32, thumb_width=8 if thumb else None, thumb_height=8
    )


def test_the_gallery_is_the_media_in_order_without_files_uploads_or_deleted_messages():
    picture, video, pdf = _file("a", "image/png"), _file("b", "video/webm"), _file("c", "application/pdf")
    no_preview = _file("d", "image/png", thumb=False)  # the server made no thumbnail: a file card
    uploading = Attachment("e.png", 10, "image/png", local_path="/tmp/e.png")
    gone = _file("f", "image/png")
    later = _file("0", "image/jpeg")
    messages = [
        _message(1, picture, pdf),
        _message(2, video, no_preview, uploading),
        _message(3, gone, deleted=True),
        _message(4, later),
    ]
    gallery = gallery_of(messages)
    assert gallery == [picture, video, later]
    assert position_of(gallery, later.file_id) == 2
    assert position_of(gallery, pdf.file_id) == 0  # not media: the first
