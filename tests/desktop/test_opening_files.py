"""Received files open safely and consistently: the extension the system opens by decides as well as the
sniffed type (programs and scripts always ask), a click opens rather than "Save as", the server's file id
never becomes a path it does not name — unit rules, then two real clients and a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.cache.images import ImageStore
from desktop.controller.file_access import FileAccess
from desktop.domain.attachments import Attachment, BadFileId, attachments_from_json
from desktop.domain.records import Message
from desktop.domain.safe_open import needs_warning
from tests.desktop.test_files import opened_externally, point_on, rows_with_files  # noqa: F401

JPEG = "image/jpeg"


@pytest.mark.parametrize(
    ("name", "content_type", "warns"),
    [
        ("photo.jpg", JPEG, False),
        ("photo.JPEG", JPEG, False),
        ("notes.txt", "text/plain", False),
        ("report.pdf", "application/pdf", False),
        ("clip.mp4", "video/mp4", False),
        ("invoice.bat", "text/plain", True),
        ("invoice.cmd", "text/plain", True),
        ("invoice.vbs", "text/plain", True),
        ("invoice.js", "text/plain", True),
        ("invoice.hta", "text/plain", True),
        ("cat.jpg.bat", JPEG, True),
        ("cat.jpg.exe", JPEG, True),
        ("drawing.svg", "image/svg+xml", True),
        ("drawing.svg", "text/plain", True),
        ("page.html", "text/html", True),
        ("run.sh", "text/plain", True),
        ("app.jar", "application/zip", True),
        ("setup.msi", "application/octet-stream", True),
        ("script.ps1", "text/plain", True),
        ("photo.png", JPEG, True),  # type and extension disagree
        ("README", "text/plain", True),  # no extension: the system would guess
        ("data.bin", "application/octet-stream", True),
    ],
)
def test_opening_asks_unless_the_type_and_the_extension_agree_on_something_harmless(
    name, content_type, warns
):
    assert needs_warning(name, content_type) is warns


@pytest.mark.parametrize(
    "hostile", ["../../x", "../" * 5 + "etc/passwd", "/tmp/x", "C:\\x", "A" * 32, "0" * 31]
)
def test_a_malformed_file_id_from_the_server_is_never_used(hostile, qtbot, tmp_path):
    wire = {"id": hostile, "name": "x.png", "size": 3, "content_type": "image/png"}
    with pytest.raises(BadFileId):
        Attachment.from_json(wire)
    message = Message.from_json(
        {
            "conversation_id": 1,
            "seq": 1,
            "id": 1,
            "sender_id": 2,
            "client_id": "c1",
            "text": "hi",
            "created_at": "2026-11-20T09:00:00.000000Z",
            "attachments": [wire, {**wire, "id": "0123456789abcdef0123456789abcdef"}],
        }
    )
    assert [a.id for a in message.attachments] == ["0123456789abcdef0123456789abcdef"]
    assert attachments_from_json([wire]) == []
    # defence in depth: nothing builds a cache path from one, however it got there
    access = FileAccess.__new__(FileAccess)
    access.media_dir = tmp_path / "media"
    forged = Attachment(name="x.png", size=3, content_type="image/png", id=hostile)
    with pytest.raises(BadFileId):
        access.media_path(forged)
    if any(part in hostile for part in ("/", "\\", "..", ":")):  # the picture store takes names only
        fetched: list[str] = []
        store = ImageStore(tmp_path / "thumbs", lambda key, done, failed: fetched.append(key))
        assert store.pixmap(hostile) is None and store.cached(hostile) is None and fetched == []
    assert not any(tmp_path.parent.glob("x*")) and not (tmp_path / "x").exists()


class BoxAnswerer:
    """Answers every "Open file" question that comes up (recording its text) with Open or Cancel."""

    def __init__(self, accept: bool) -> None:
        self.accept = accept
        self.texts: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        label = box.findChild(QLabel, "qt_msgbox_label")
        self.texts.append(label.text() if label is not None else box.text())
        role = QMessageBox.ButtonRole.AcceptRole if self.accept else QMessageBox.ButtonRole.RejectRole
        next(b for b in box.buttons() if box.buttonRole(b) == role).click()

    def stop(self) -> None:
        self.timer.stop()


JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


@pytest.mark.slow
def test_received_programs_ask_first_and_documents_open_on_a_click(pair, qtbot, tmp_path, opened_externally):  # noqa: F811
    alice, bob, _ = pair
    files = {
        "invoice.bat": b"@echo off\r\necho pwned\r\n",
        "cat.jpg.bat": JPEG_HEAD,
        "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "&lt;b&gt;x&amp;.cmd": b"echo hi\r\n",
        "notes.txt": b"just some notes\n",
        "report.pdf": b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    }
    for name, data in files.items():
        path = tmp_path / "send" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        alice.session.files.send_files([path])
    qtbot.waitUntil(lambda: len(rows_with_files(bob.chat)) == len(files), timeout=60000)
    bob.session.window.show()
    view = bob.session.panel.messages
    by_name = {bob.chat.messages.message_at(r).attachments[0].name: r for r in rows_with_files(bob.chat)}
    sharing = bob.session.files

    # documents: a click opens them (no "Save as"), with no question
    answerer = BoxAnswerer(accept=False)
    try:
        for name in ("report.pdf", "notes.txt"):
            view.scrollTo(view.model().index(by_name[name], 0))
            point = point_on(view, by_name[name], "card")
            count = len(opened_externally)
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
            qtbot.waitUntil(lambda count=count: len(opened_externally) == count + 1, timeout=30000)
            assert opened_externally[-1].suffix == Path(name).suffix
        assert answerer.texts == []
        # programs and active documents: asked about every time; Cancel opens nothing
        for name in ("invoice.bat", "cat.jpg.bat", "drawing.svg", "&lt;b&gt;x&amp;.cmd"):
            sharing.on_attachment(by_name[name], 0, "open")
        qtbot.waitUntil(lambda: len(answerer.texts) == 4, timeout=30000)
    finally:
        answerer.stop()
    assert len(opened_externally) == 2
    assert any("“&lt;b&gt;x&amp;.cmd”" in text for text in answerer.texts)  # the name as sent, literally
    # Open, when asked, opens it
    answerer = BoxAnswerer(accept=True)
    try:
        sharing.on_attachment(by_name["invoice.bat"], 0, "open")
        qtbot.waitUntil(lambda: len(opened_externally) == 3, timeout=30000)
    finally:
        answerer.stop()
