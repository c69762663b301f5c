"""Words and media that behave as people expect: "3 members, 1 online" counts me, a 1:1 header says
"typing…", a pasted picture previews as "Photo"; Esc closes the video player, a finished video keeps its last
frame, and the 📎 picker opens where files were last attached from (home at first, kept across restarts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from desktop.models.header_text import group_subtitle, header_typing_text
from desktop.models.roles import ConversationRole
from desktop.settings import AppSettings
from desktop.views.composer import Composer
from tests.desktop.test_files import ffmpeg, rows_with_files
from tests.support.api import PASSWORD


def test_group_subtitle_counts_me_and_a_1to1_header_says_typing():
    assert group_subtitle(3, 0) == "3 members, 1 online"
    assert group_subtitle(3, 2) == "3 members, 3 online"
    assert group_subtitle(3, 0, me_online=False) == "3 members"
    assert group_subtitle(1, 0, me_online=False) == "1 member"
    assert header_typing_text("Bob Builder is typing…", is_group=False) == "typing…"
    assert header_typing_text("Bob is typing…", is_group=True) == "Bob is typing…"
    assert header_typing_text("", is_group=False) == ""


class FileDialogAnswerer:
    """Answers the next "Attach files" dialog: records the folder it opened in, then picks ``choose``."""

    def __init__(self, choose: list[Path]) -> None:
        self.choose = choose
        self.opened_in: list[Path] = []
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            return
        self.timer.stop()
        self.opened_in.append(Path(dialog.directory().absolutePath()))
        dialog.setDirectory(str(self.choose[0].parent))
        dialog.findChild(QLineEdit, "fileNameEdit").setText(" ".join(f'"{p.name}"' for p in self.choose))
        dialog.accept()  # as a click on Open does
        if dialog.isVisible():
            dialog.reject()  # never leave a test stuck in the dialog's own loop


def test_the_attach_picker_opens_at_home_then_where_files_were_last_picked(qtbot, tmp_path):
    composer = Composer()
    qtbot.addWidget(composer)
    composer.show()
    folder = tmp_path / "holiday"
    folder.mkdir()
    picked = folder / "beach.txt"
    picked.write_text("sand")
    answerer = FileDialogAnswerer([picked])
    with qtbot.waitSignal(composer.attach_folder_changed, timeout=30000) as changed:
        QTimer.singleShot(0, composer.attach_button.click)
    assert answerer.opened_in == [Path.home()]
    assert changed.args == [str(folder)]
    assert composer.staged.paths == [picked]
    answerer = FileDialogAnswerer([picked])
    with qtbot.waitSignal(composer.attach_folder_changed, timeout=30000):
        QTimer.singleShot(0, composer.pick_files)
    assert answerer.opened_in == [folder]


def test_the_attach_folder_is_kept_in_the_settings(tmp_path):
    settings = AppSettings(tmp_path / "data")
    assert settings.attach_folder == Path.home()
    settings.attach_folder = tmp_path
    settings.sync()
    assert AppSettings(tmp_path / "data").attach_folder == tmp_path
    settings.attach_folder = tmp_path / "gone"  # a folder since removed: home again
    assert settings.attach_folder == Path.home()


def _video_player_or_skip():
    from desktop.views.multimedia import video_widgets_available

    if not video_widgets_available():
        pytest.skip("QtMultimedia video cannot run here")
    from desktop.views.media_viewer import VideoPlayer

    return VideoPlayer


def test_esc_closes_the_video_player_and_a_finished_video_keeps_its_last_frame(qtbot, tmp_path):
    video_player = _video_player_or_skip()
    video = tmp_path / "red.webm"
    ffmpeg(
        "-f", "lavfi", "-i", "color=c=red:size=160x120:duration=1:rate=10", "-c:v", "libvpx-vp9", str(video)
    )
    player = video_player("red.webm")
    failures: list[str] = []
    player.failed.connect(failures.append)
    player.show()
    qtbot.waitExposed(player)
    player.play(video)
    qtbot.waitUntil(lambda: player.finished or bool(failures), timeout=30000)
    if failures:
        pytest.skip(f"no backend plays here: {failures[0]}")
    assert player.screen_stack.currentWidget() is player.last_frame
    picture = player.last_frame.pixmap().toImage()
    assert not picture.isNull()
    middle = QColor(picture.pixel(picture.width() // 2, picture.height() // 2))
    assert middle.red() > 150 and middle.green() < 100  # the red frame, not black
    assert player.play_button.text() == "↻"
    player.toggle()  # plays again from the start, on the video
    assert player.screen_stack.currentWidget() is player.video and not player.finished
    closed: list[bool] = []
    player.destroyed.connect(lambda: closed.append(True))
    qtbot.keyClick(player, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed != [], timeout=30000)  # closed, and gone (it deletes itself on close)


@pytest.mark.slow
def test_a_pasted_picture_is_named_photo_and_the_list_previews_photo(pair, qtbot, tmp_path):
    alice, bob, conversation_id = pair
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#22aa88"))
    mime = QMimeData()
    mime.setImageData(image)
    composer = alice.session.panel.composer
    composer.edit.insertFromMimeData(mime)  # what Ctrl+V does with a screenshot on the clipboard
    qtbot.waitUntil(lambda: composer.staged.paths != [], timeout=20000)
    assert composer.staged.paths[0].name == "Photo.png"
    composer.submit()
    qtbot.waitUntil(lambda: rows_with_files(bob.chat) != [], timeout=30000)
    model = bob.chat.conversations
    row = next(
        r for r in range(model.rowCount()) if model.index(r).data(ConversationRole.ID) == conversation_id
    )
    assert model.index(row).data(ConversationRole.PREVIEW).endswith("🖼 Photo")


@pytest.mark.slow
def test_the_group_header_counts_me_online(live_server, desktop_client, qtbot):
    from tests.support.api import register

    register(live_server.url, "ann", display_name="Ann")
    others = [register(live_server.url, name)["id"] for name in ("ben", "cal")]
    ann = desktop_client("ann", live_server.url)
    ann.sign_in("ann", PASSWORD)
    ann.wait_online()
    ann.chat.create_group("Trio", others)
    qtbot.waitUntil(lambda: ann.chat.state.open_conversation_id is not None, timeout=20000)
    qtbot.waitUntil(lambda: ann.session.panel.subtitle_label.text() == "3 members, 1 online", timeout=20000)
