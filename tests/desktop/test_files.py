"""Files through two real clients and a real server: drop, progress, previews live on both sides, cancel,
video and audio previews, save-as, the thumbnail cache across a restart."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QPainter
from PySide6.QtWidgets import QApplication

from desktop.domain.attachments import AUDIO, IMAGE, VIDEO
from desktop.models.roles import ConversationRole, MessageRole
from tests.support.api import PASSWORD, ApiClient, register

pytestmark = pytest.mark.slow


def make_image(path: Path, width: int = 900, height: int = 600) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3b82f6"))
    painter = QPainter(image)
    painter.fillRect(width // 4, height // 4, width // 2, height // 2, QColor("#f59e0b"))
    painter.end()
    assert image.save(str(path))
    return path


def make_blob(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        remaining = size
        while remaining:
            chunk = os.urandom(min(remaining, 1 << 20))
            out.write(chunk)
            remaining -= len(chunk)
    return path


def ffmpeg(*args: str) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", *args],
        check=True,
        capture_output=True,
        timeout=60,
    )


def drop_files(widget, paths: list[Path]) -> None:
    """What Qt delivers when files are dragged from a file manager and let go over ``widget``."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(
        point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


def rows_with_files(chat) -> list[int]:
    model = chat.messages
    return [r for r in range(model.rowCount()) if model.index(r).data(MessageRole.ATTACHMENTS)]


def files_of(chat, row: int):
    return chat.messages.index(row).data(MessageRole.ATTACHMENTS)


def state_of(chat, row: int) -> str:
    return chat.messages.index(row).data(MessageRole.STATE)


def paint(client) -> None:
    """Paints the message list once (as the screen would), which is when previews are asked for."""
    client.session.panel.messages.viewport().grab()


def wait_preview(qtbot, client, file_id: str) -> None:
    def shown() -> bool:
        paint(client)
        return client.session.files.access.thumbnails.cached(file_id) is not None

    qtbot.waitUntil(shown, timeout=20000)


def test_dropped_files_upload_with_progress_then_show_their_preview_on_both_sides(pair, qtbot, tmp_path):
    alice, bob, conversation_id = pair
    photo = make_image(tmp_path / "holiday.png")
    blob = make_blob(tmp_path / "notes.bin", 12 * 1024 * 1024)
    panel = alice.session.panel
    drop_files(panel, [photo, blob])
    assert panel.composer.staged.paths == [photo, blob]
    assert panel.composer.send_button.isEnabled()

    progress: list[tuple[int, float]] = []
    model = alice.chat.messages

    def on_changed(top, _bottom, roles):
        if MessageRole.UPLOAD_PROGRESS in roles:
            progress.append(top.data(MessageRole.UPLOAD_PROGRESS))

    model.dataChanged.connect(on_changed)
    panel.composer.edit.setPlainText("from the trip")
    qtbot.keyClick(panel.composer.edit, Qt.Key.Key_Return)
    assert panel.composer.staged.paths == []
    row = rows_with_files(alice.chat)[0]
    assert state_of(alice.chat, row) == "sending"
    assert [a.name for a in files_of(alice.chat, row)] == ["holiday.png", "notes.bin"]
    paint(alice)  # the pending bubble with its progress bar paints

    qtbot.waitUntil(lambda: state_of(alice.chat, rows_with_files(alice.chat)[0]) == "sent", timeout=30000)
    model.dataChanged.disconnect(on_changed)
    blob_steps = [fraction for index, fraction in progress if index == 1]
    assert len(blob_steps) >= 2 and 0 < min(f for f in blob_steps if f > 0) < 1, progress
    row = rows_with_files(alice.chat)[0]
    assert model.index(row).data() == "from the trip"
    image, other = files_of(alice.chat, row)
    assert image.kind == IMAGE and image.thumb_width and image.id
    assert other.kind == "file" and other.size == 12 * 1024 * 1024
    assert alice.chat.state.outbox.pending() == []
    wait_preview(qtbot, alice, image.id)

    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=20000)
    bob_row = rows_with_files(bob.chat)[0]
    assert [a.id for a in files_of(bob.chat, bob_row)] == [image.id, other.id]
    wait_preview(qtbot, bob, image.id)
    conversation = bob.chat.conversations.get(conversation_id)
    assert conversation is not None and conversation.last_message.attachments


def test_cancel_leaves_no_message_and_no_file(pair, qtbot, tmp_path, live_server):
    alice, bob, conversation_id = pair
    big = make_blob(tmp_path / "big.bin", 60 * 1024 * 1024)
    files = alice.session.files
    client_ids = files.send_files([big])
    assert len(client_ids) == 1
    client_id = client_ids[0]
    row = rows_with_files(alice.chat)[0]
    qtbot.waitUntil(
        lambda: (alice.chat.messages.index(row).data(MessageRole.UPLOAD_PROGRESS) or (0, 0))[1] > 0,
        timeout=20000,
    )
    # A click on the ✕ of the uploading file, where the delegate painted it.
    view = alice.session.panel.messages
    view.scrollToBottom()
    index = alice.chat.messages.index(row)
    rect = view.visualRect(index)
    hit = None
    for x in range(rect.left(), rect.right(), 3):
        for y in range(rect.top(), rect.bottom(), 3):
            found = view.attachment_at(QPoint(x, y))
            if found is not None and found[2] == "cancel":
                hit = QPoint(x, y)
                break
        if hit:
            break
    assert hit is not None
    # The cancel is finished once the upload was stopped, or its answer came and was taken back.
    with qtbot.waitSignal(files.uploads.cancel_finished, timeout=30000) as finished:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=hit)
        assert rows_with_files(alice.chat) == []
        assert alice.chat.state.outbox.get(client_id) is None
    assert finished.args == [client_id]

    # Nothing reached the conversation, and no upload of Alice's is left on the server (once it is done
    # receiving: a body cut short ends in a refusal that removes its staging file).
    staging = live_server.data_dir / "files" / "staging"
    qtbot.waitUntil(lambda: not any(staging.glob("*")), timeout=30000)
    server = ApiClient(live_server.url, "alice", register_first=False)
    try:
        assert server.messages_after(conversation_id) == []
        export = server.get("/me/export", timeout=60)
        assert export.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
        assert not [n for n in names if n.startswith("files/") and not n.endswith("/")], names
    finally:
        server.session.close()
    assert rows_with_files(bob.chat) == []


def test_video_and_audio_show_poster_and_duration(pair, qtbot, tmp_path):
    alice, bob, _ = pair
    video = tmp_path / "clip.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=2:size=320x240:rate=10", "-pix_fmt", "yuv420p", str(video))
    audio = tmp_path / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", str(audio))
    alice.session.files.send_files([video, audio], "")
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    row = rows_with_files(bob.chat)[0]
    assert bob.chat.messages.index(row).data() == ""  # files only
    clip, tone = files_of(bob.chat, row)
    assert clip.kind == VIDEO and clip.thumb_width and 1500 <= clip.duration_ms <= 2500
    assert tone.kind == AUDIO and 2500 <= tone.duration_ms <= 3500
    wait_preview(qtbot, bob, clip.id)  # the poster frame
    assert bob.chat.conversation_list.index(0, 0).data(ConversationRole.PREVIEW) == "📎 2 files"


def test_save_as_writes_the_exact_bytes(pair, qtbot, tmp_path):
    alice, bob, _ = pair
    original = make_blob(tmp_path / "data.bin", 3 * 1024 * 1024 + 17)
    alice.session.files.send_files([original])
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    attachment = files_of(bob.chat, rows_with_files(bob.chat)[0])[0]
    target = tmp_path / "saved" / "copy.bin"
    target.parent.mkdir()
    access = bob.session.files.access
    with qtbot.waitSignal(access.saved, timeout=30000):
        access.save_as(attachment, target)
    assert (
        hashlib.sha256(target.read_bytes()).hexdigest() == hashlib.sha256(original.read_bytes()).hexdigest()
    )
    assert not list(target.parent.glob("*.part"))


def test_thumbnails_come_from_the_disk_cache_after_a_restart(pair, qtbot, tmp_path, live_server):
    alice, bob, conversation_id = pair
    alice.session.files.send_files([make_image(tmp_path / "cat.png", 400, 300)])
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    image = files_of(bob.chat, rows_with_files(bob.chat)[0])[0]
    wait_preview(qtbot, bob, image.id)
    assert bob.session.files.access.thumbnails.fetches == 1
    data_dir = bob.data_dir
    bob.close()

    reopened = type(bob)(qtbot, data_dir, live_server.url)
    try:
        reopened.app.start()  # the stored token; the last conversation opens from the cache
        assert reopened.chat.state.open_conversation_id == conversation_id
        assert [a.id for a in files_of(reopened.chat, rows_with_files(reopened.chat)[0])] == [image.id]
        paint(reopened)
        store = reopened.session.files.access.thumbnails
        assert store.cached(image.id) is not None
        assert store.fetches == 0
    finally:
        reopened.close()


def test_models_with_files_pass_the_model_tester(pair, qtbot, tmp_path, qtmodeltester):
    alice, bob, _ = pair
    alice.session.files.send_files(
        [make_image(tmp_path / "a.png", 300, 200), make_blob(tmp_path / "b.bin", 1000)]
    )
    qtmodeltester.check(alice.chat.messages)  # with the pending row
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    qtmodeltester.check(bob.chat.messages)
    qtmodeltester.check(bob.chat.conversation_list)


def test_a_files_message_written_offline_survives_a_restart_of_the_client(pair, qtbot, tmp_path, live_server):
    alice, bob, conversation_id = pair
    live_server.kill()
    qtbot.waitUntil(lambda: alice.chat.connection_state == "reconnecting", timeout=20000)
    photo = make_image(tmp_path / "offline.png", 500, 400)
    alice.session.files.send_files([photo], "sent while offline")
    entry = alice.chat.state.outbox.pending()[0]
    assert [a.local_path for a in entry.attachments] == [str(photo.resolve())]
    qtbot.waitUntil(lambda: alice.session.files.transfers.idle, timeout=20000)  # the upload gave up for now
    data_dir = alice.data_dir
    alice.close()

    live_server.start()
    reopened = type(alice)(qtbot, data_dir, live_server.url)
    try:
        reopened.app.start()
        qtbot.waitUntil(lambda: reopened.chat.state.outbox.pending() == [], timeout=30000)
        qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
        row = rows_with_files(bob.chat)[0]
        assert bob.chat.messages.index(row).data() == "sent while offline"
        assert [a.name for a in files_of(bob.chat, row)] == ["offline.png"]
        rows = rows_with_files(reopened.chat)
        assert len(rows) == 1 and state_of(reopened.chat, rows[0]) == "sent"
    finally:
        reopened.close()
    server_view = ApiClient(live_server.url, "bob", register_first=False)
    try:
        assert [m["text"] for m in server_view.messages_after(conversation_id)] == ["sent while offline"]
    finally:
        server_view.session.close()


def test_profile_picture_set_from_the_account_menu_shows_in_the_list_and_header(pair, qtbot, tmp_path):
    alice, bob, conversation_id = pair
    files = alice.session.files
    assert files.set_picture_action in alice.session.window.account_menu.actions()
    # The profile fetched at sign-in may still come in first: wait for the one that has the picture.
    with qtbot.waitSignal(
        alice.chat.profile_changed, timeout=20000, check_params_cb=lambda user: bool(user.get("avatar"))
    ) as changed:
        files.set_profile_picture(make_image(tmp_path / "me.png", 300, 200))
    version = changed.args[0]["avatar"]
    assert version

    bob.chat.sync.refresh_conversation(conversation_id)  # Bob's next look at the conversation
    conversation = lambda: bob.chat.conversations.get(conversation_id)  # noqa: E731
    qtbot.waitUntil(lambda: conversation().other_member(bob.chat.my_id).avatar == version, timeout=20000)

    def pictured() -> bool:
        bob.session.window.conversation_view.viewport().grab()
        return bob.session.files._conversation_picture(conversation()) is not None

    qtbot.waitUntil(pictured, timeout=20000)
    bob.session.files.refresh_header_avatar()
    assert bob.session.panel.avatar_label.isVisibleTo(bob.session.panel)

    with qtbot.waitSignal(
        alice.chat.profile_changed, timeout=20000, check_params_cb=lambda user: user.get("avatar") is None
    ) as changed:
        files.remove_profile_picture()
    assert changed.args[0]["avatar"] is None


def point_on(view, row: int, part: str) -> QPoint:
    """Where the delegate painted ``part`` ("preview", "play", "cancel", "card") of a file in ``row``."""
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    for y in range(max(0, rect.top()), min(view.viewport().height(), rect.bottom()), 3):
        for x in range(rect.left(), rect.right(), 3):
            found = view.attachment_at(QPoint(x, y))
            if found is not None and found[2] == part:
                return QPoint(x, y)
    raise AssertionError(f"no {part} in row {row}")


@pytest.fixture
def opened_externally(monkeypatch):
    """Paths handed to the system's own app (never really launched in tests)."""
    from desktop.session.files import FileSharing

    opened: list[Path] = []
    monkeypatch.setattr(FileSharing, "_open_path", staticmethod(opened.append))
    return opened


def test_clicking_an_image_opens_the_viewer_with_the_whole_image(pair, qtbot, tmp_path):
    alice, bob, _ = pair
    alice.session.files.send_files([make_image(tmp_path / "big.png", 1600, 1000)])
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    view = bob.session.panel.messages
    bob.session.window.show()
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=point_on(view, rows_with_files(bob.chat)[0], "preview"),
    )
    viewer = bob.session.files.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: viewer.full_size is not None, timeout=20000)
    assert (viewer.full_size.width(), viewer.full_size.height()) == (1600, 1000)
    viewer.actual_size()
    viewer.view.zoom(2.0)
    assert viewer.view.transform().m11() == pytest.approx(2.0)
    viewer.close()


def test_audio_plays_inline_with_progress(pair, qtbot, tmp_path, opened_externally):
    from desktop.views.multimedia import multimedia_available

    if not multimedia_available():
        pytest.skip("QtMultimedia cannot load here (PySide6-Addons or libpulse0 missing)")
    alice, bob, _ = pair
    audio = tmp_path / "tone.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=3", str(audio))
    alice.session.files.send_files([audio])
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    view = bob.session.panel.messages
    bob.session.window.show()
    row = rows_with_files(bob.chat)[0]
    tone = files_of(bob.chat, row)[0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_on(view, row, "play"))
    media = bob.session.files.access.media

    def playing_or_handed_over() -> bool:
        state = media.audio_for(tone.id)
        return bool(state and state.playing and state.position_ms > 0) or bool(opened_externally)

    qtbot.waitUntil(playing_or_handed_over, timeout=20000)
    if media.audio_for(tone.id) is not None:
        paint(bob)  # the pause symbol and the progress bar
        bob.session.files.toggle_audio(tone)
        qtbot.waitUntil(lambda: not media.audio_for(tone.id).playing, timeout=20000)


def test_clicking_a_video_plays_it(pair, qtbot, tmp_path, opened_externally):
    from desktop.views.multimedia import video_widgets_available

    alice, bob, _ = pair
    video = tmp_path / "clip.webm"
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "libvpx-vp9", str(video))
    alice.session.files.send_files([video])
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    view = bob.session.panel.messages
    bob.session.window.show()
    row = rows_with_files(bob.chat)[0]
    assert files_of(bob.chat, row)[0].kind == VIDEO
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_on(view, row, "preview"))
    files = bob.session.files
    if not video_widgets_available():
        qtbot.waitUntil(lambda: opened_externally != [], timeout=20000)  # the system's player instead
        return
    qtbot.waitUntil(lambda: files.player is not None or opened_externally != [], timeout=20000)
    if files.player is not None:
        from PySide6.QtMultimedia import QMediaPlayer

        player = files.player
        qtbot.waitUntil(
            lambda: (
                player.player.position() > 0
                or player.player.mediaStatus() == QMediaPlayer.MediaStatus.EndOfMedia
                or opened_externally != []
            ),
            timeout=20000,
        )
        if files.player is not None:
            files.player.close()


def test_a_refused_upload_shows_why_and_can_be_retried(server_factory, desktop_client, qtbot, tmp_path):
    server = server_factory(extra_env={"CHATIDK_MAX_UPLOAD_MB": "1"})
    register(server.url, "alice", display_name="Alice")
    bob = register(server.url, "bob", display_name="Bob")
    alice = desktop_client("alice", server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    alice.chat.start_direct(bob["id"])
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    big = make_blob(tmp_path / "scan.bin", 2 * 1024 * 1024)
    [client_id] = alice.session.files.send_files([big], "the scan")
    qtbot.waitUntil(lambda: state_of(alice.chat, rows_with_files(alice.chat)[0]) == "failed", timeout=20000)
    row = rows_with_files(alice.chat)[0]
    assert alice.chat.messages.index(row).data(MessageRole.ERROR)
    paint(alice)  # "upload failed" on the card, "Not sent · click to retry" under it

    with open(big, "r+b") as shrink:  # the user makes it smaller and clicks the failed message
        shrink.truncate(200 * 1024)
    view = alice.session.panel.messages
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_on(view, row, "card"))
    qtbot.waitUntil(lambda: state_of(alice.chat, rows_with_files(alice.chat)[0]) == "sent", timeout=20000)
    [sent] = files_of(alice.chat, rows_with_files(alice.chat)[0])
    assert sent.size == 200 * 1024 and sent.id
    assert alice.chat.state.outbox.get(client_id) is None


def test_a_message_whose_upload_expired_uploads_again_on_retry(pair, qtbot, tmp_path, live_server):
    alice, bob, _ = pair
    sender = alice.chat.outbox_sender
    sender.stop()  # hold the message back, as a client that stayed offline for a day would
    [client_id] = alice.session.files.send_files([make_blob(tmp_path / "old.bin", 5000)])
    qtbot.waitUntil(lambda: alice.chat.state.outbox.get(client_id).ready, timeout=20000)
    stale = alice.chat.state.outbox.get(client_id).attachments[0].id
    server = ApiClient(live_server.url, "alice", register_first=False)
    try:
        assert (
            server.session.delete(f"{live_server.url}/api/v1/files/{stale}").status_code == 204
        )  # the server's cleanup
    finally:
        server.session.close()
    sender._stopped = False
    sender.kick()
    qtbot.waitUntil(lambda: state_of(alice.chat, rows_with_files(alice.chat)[0]) == "failed", timeout=20000)
    alice.session.files.uploads.retry(client_id)
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=20000)
    [arrived] = files_of(bob.chat, rows_with_files(bob.chat)[0])
    assert arrived.name == "old.bin" and arrived.id != stale


def test_uploads_go_on_while_another_conversation_is_open(pair, qtbot, tmp_path):
    alice, bob, conversation_id = pair
    alice.chat.create_group("Elsewhere", [bob.chat.my_id])
    qtbot.waitUntil(
        lambda: alice.chat.state.open_conversation_id not in (None, conversation_id), timeout=20000
    )
    group_id = alice.chat.state.open_conversation_id
    alice.chat.open_conversation(conversation_id)
    alice.session.files.send_files([make_blob(tmp_path / "long.bin", 30 * 1024 * 1024)], "while away")
    alice.chat.open_conversation(group_id)  # the user moves on at once
    assert rows_with_files(alice.chat) == []
    qtbot.waitUntil(lambda: alice.chat.state.outbox.entries() == [], timeout=30000)
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=20000)
    alice.chat.open_conversation(conversation_id)
    [row] = rows_with_files(alice.chat)
    assert state_of(alice.chat, row) == "sent" and alice.chat.messages.index(row).data() == "while away"
