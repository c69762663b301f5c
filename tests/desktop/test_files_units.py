"""Files without a server: the cache migration, outbox entries with files, bubble sizes with previews, the
painter's hit tests, and the image store's refusal of anything that is not a small picture."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from desktop.cache import HistoryCache, Outbox, OutboxEntry, open_cache_database
from desktop.cache.images import ImageStore, decode_small_image
from desktop.domain.attachments import AUDIO, FILE, IMAGE, VIDEO, Attachment
from desktop.models.attachment_media import AttachmentMedia
from desktop.models.file_labels import duration_label, human_size, one_line
from desktop.models.messages import MessageListModel
from desktop.models.roles import MessageRole
from desktop.views import attachment_painter
from desktop.views.bubble_delegate import BubbleDelegate
from tests.desktop.factories import BASE_TIME, message

FILE_ID = "0123456789abcdef0123456789abcdef"


def image_file(width: int = 2000, height: int = 1000, thumb: tuple[int, int] = (512, 256)) -> Attachment:
    return Attachment.from_json(
        {
            "id": FILE_ID,
            "name": "photo.jpg",
            "size": 123456,
            "content_type": "image/jpeg",
            "width": width,
            "height": height,
            "duration_ms": None,
            "thumbnail": {"width": thumb[0], "height": thumb[1]},
        }
    )


def png_bytes(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def test_kinds_follow_the_servers_preview_not_the_name(qtbot):
    assert image_file().kind == IMAGE
    no_preview = Attachment.from_json(
        {"id": FILE_ID, "name": "bomb.png", "size": 1, "content_type": "image/png"}
    )
    assert no_preview.kind == FILE  # a decompression bomb or a truncated image: a plain file
    video = Attachment.from_json(
        {
            "id": FILE_ID,
            "name": "v.mp4",
            "size": 1,
            "content_type": "video/mp4",
            "thumbnail": {"width": 5, "height": 5},
        }
    )
    assert video.kind == VIDEO
    assert (
        Attachment.from_json({"id": FILE_ID, "name": "a", "size": 1, "content_type": "audio/ogg"}).kind
        == AUDIO
    )
    local = Attachment(name="x.png", size=3, content_type="image/png", local_path="/tmp/x.png")
    assert local.kind == FILE and not local.uploaded
    assert Attachment.from_json(image_file().to_json()) == image_file()


def test_labels():
    assert human_size(1) == "1 byte"
    assert human_size(2481213) == "2.4 MB"
    assert duration_label(83_400) == "1:23"
    assert duration_label(3_723_000) == "1:02:03"
    assert one_line("", [image_file()]) == "🖼 photo.jpg"
    assert one_line("  hi\nthere ", [image_file()]) == "hi there"
    assert one_line("", [image_file(), image_file()]) == "🖼 2 photos"


def test_a_version_1_cache_gains_files_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE conversations (id INTEGER PRIMARY KEY, data TEXT NOT NULL, last_activity_at TEXT);
        CREATE TABLE messages (conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL, id INTEGER,
            sender_id INTEGER NOT NULL, client_id TEXT NOT NULL, text TEXT, created_at TEXT NOT NULL,
            edited_at TEXT, deleted INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
        CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT NOT NULL UNIQUE,
            conversation_id INTEGER NOT NULL, sender_id INTEGER NOT NULL, text TEXT NOT NULL,
            created_at TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0, error TEXT);
        INSERT INTO messages VALUES (1, 1, 10, 2, 'c1', 'old', '2026-11-20T09:00:00.000000Z', NULL, 0);
        INSERT INTO outbox (client_id, conversation_id, sender_id, text, created_at)
            VALUES ('c2', 1, 1, 'queued', '2026-11-20T09:00:00.000000Z');
        PRAGMA user_version=1;
        """
    )
    old.close()
    database = open_cache_database(path)
    try:
        [kept] = HistoryCache(database).latest_messages(1, 10)
        assert kept.text == "old" and kept.attachments == []
        [entry] = Outbox(database).pending()
        assert entry.text == "queued" and entry.attachments == [] and entry.ready
        with_files = message(2, text="", attachments=[image_file()])
        HistoryCache(database).store_messages([with_files])
        assert HistoryCache(database).latest_messages(1, 10)[-1].attachments == [image_file()]
    finally:
        database.close()


def test_outbox_entries_carry_their_files_until_uploaded(tmp_path):
    database = open_cache_database(tmp_path / "c.sqlite3")
    try:
        outbox = Outbox(database)
        local = Attachment(
            name="a.bin", size=3, content_type="application/octet-stream", local_path="/x/a.bin"
        )
        outbox.add(OutboxEntry("c1", 1, 1, "", BASE_TIME, attachments=[local]))
        [entry] = outbox.pending()
        assert not entry.ready and entry.attachments[0].local_path == "/x/a.bin"
        assert entry.as_message().attachments == [local]
        outbox.set_attachments("c1", [image_file()])
        assert outbox.get("c1").ready
    finally:
        database.close()


def test_bubble_height_comes_from_the_file_metadata_and_is_cached_per_width(qtbot, tmp_path):
    model = MessageListModel(my_id=1)
    model.show_conversation(
        1,
        is_group=False,
        names={2: "Bob"},
        confirmed=[
            message(1, text="first of the day"),
            message(2, text="caption"),
            message(3, text="caption", attachments=[image_file()]),
        ],
    )
    delegate = BubbleDelegate()
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 900, 100)
    text_only = delegate.sizeHint(option, model.index(1)).height()
    with_image = delegate.sizeHint(option, model.index(2)).height()
    # 512×256 shown at most 320 wide: 320×160, above the caption.
    assert with_image - text_only >= 160
    narrow = QStyleOptionViewItem()
    narrow.rect = QRect(0, 0, 300, 100)
    assert delegate.sizeHint(narrow, model.index(2)).height() < with_image
    assert delegate.sizeHint(option, model.index(2)).height() == with_image  # from the cache
    # It paints with and without the preview at hand, and the preview is asked for while painting.
    asked = []
    store = ImageStore(tmp_path, lambda key, done, failed: asked.append(key))
    delegate.media = AttachmentMedia(store)
    image = QImage(900, 400, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(2))
    painter.end()
    assert asked == [FILE_ID]


def test_hits_on_files_name_the_part():
    local = Attachment(name="a.bin", size=3, content_type="application/octet-stream", local_path="/x")
    audio = Attachment.from_json({"id": FILE_ID, "name": "a.ogg", "size": 1, "content_type": "audio/ogg"})
    files = [image_file(), local, audio]
    boxes, width, height = attachment_painter.layout(files, 400)
    assert [b.kind for b in boxes] == [IMAGE, FILE, AUDIO]
    assert height == sum(b.rect.height() for b in boxes) + 2 * attachment_painter.GAP
    assert attachment_painter.hit(boxes, files, boxes[0].rect.center()) == (0, "preview")
    card = boxes[1].rect
    assert attachment_painter.hit(boxes, files, QPointF(card.right() - 18, card.center().y())) == (
        1,
        "cancel",
    )
    assert attachment_painter.hit(boxes, files, QPointF(card.left() + 100, card.center().y())) == (1, "card")
    audio_box = boxes[2].rect
    assert attachment_painter.hit(boxes, files, QPointF(audio_box.left() + 20, audio_box.center().y())) == (
        2,
        "play",
    )
    assert attachment_painter.hit(boxes, files, QPointF(width + 50, 5)) is None


def test_the_image_store_decodes_small_pictures_only(qtbot, tmp_path):
    assert decode_small_image(png_bytes(512, 384)) is not None
    assert decode_small_image(png_bytes(4000, 10)) is None  # not one of the server's previews
    assert decode_small_image(b"<html>not an image</html>") is None
    answers: dict[str, bytes | None] = {
        "good": png_bytes(64, 64),
        "huge": png_bytes(3000, 3000),
        "gone": None,
    }
    store = ImageStore(tmp_path / "thumbs", lambda key, done, _failed: done(answers[key]))
    ready = []
    store.ready.connect(ready.append)
    for key in answers:
        assert store.pixmap(key) is None  # asked for, answered at once by the stand-in
    assert ready == ["good"]
    assert store.pixmap("good") is not None
    assert sorted(p.name for p in (tmp_path / "thumbs").iterdir()) == ["good"]
    assert store.pixmap("huge") is None and store.pixmap("gone") is None
    assert store.fetches == 3  # refused and missing ones are not asked for again


def test_pending_upload_progress_is_a_role_that_does_not_change_the_layout(qtbot):
    model = MessageListModel(my_id=1)
    model.show_conversation(1, is_group=False, names={}, confirmed=[])
    local = Attachment(name="a.bin", size=3, content_type="application/octet-stream", local_path="/x")
    pending = message(None, sender_id=1, text="", client_id="c1", attachments=[local])
    pending.state = "sending"
    model.add_pending(pending)
    key = model.index(0).data(MessageRole.LAYOUT_KEY)
    model.set_upload_progress("c1", 0, 0.5)
    assert model.index(0).data(MessageRole.UPLOAD_PROGRESS) == (0, 0.5)
    assert model.index(0).data(MessageRole.LAYOUT_KEY) == key
    model.set_pending_attachments("c1", [image_file()])
    assert model.index(0).data(MessageRole.UPLOAD_PROGRESS) is None
    assert model.index(0).data(MessageRole.LAYOUT_KEY) != key
