"""One icon language (issue 13 item 1) and the composer row with its attachment tray (item 2): icon buttons
with tooltips and names, no stock Qt icons, send ready only with something to send, a thumbnail or a card
per staged file, each removable with its ✕ or the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QMessageBox,
    QStyle,
    QStyleFactory,
    QToolButton,
)

from desktop.views.app_style import STANDARD_SYMBOLS, ChatStyle
from desktop.views.chat_panel import ChatPanel
from desktop.views.composer import Composer
from desktop.views.local_thumbnails import kind_of, loader, read_scaled
from desktop.views.staged_files import TILE
from desktop.views.symbols import GLYPHS, IconButton, symbol


def colours_of(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> set[tuple[int, int, int]]:
    """The opaque colours an icon paints (a line icon paints one colour, anti-aliased at its edges)."""
    image = icon.pixmap(QSize(24, 24), mode).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    found = set()
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() == 255:
                found.add((pixel.red(), pixel.green(), pixel.blue()))
    return found


@pytest.fixture
def chat_style(qapp):
    """The app's style for one test (run() installs it for good), then the plain one again."""
    before = qapp.style().name()
    qapp.setStyle(ChatStyle(before))
    yield qapp.style()
    qapp.setStyle(QStyleFactory.create(before))


def test_every_meaning_has_a_glyph_that_draws(qapp):
    palette = qapp.palette()
    for name in GLYPHS:
        assert not symbol(name, palette).pixmap(16, 16).isNull(), name


def test_icons_take_the_palette_colour_and_follow_a_theme_change(qtbot):
    button = IconButton("attach", "Attach files", "Attach files")
    qtbot.addWidget(button)
    light = QPalette(button.palette())
    light.setColor(QPalette.ColorRole.ButtonText, QColor("#202020"))
    button.setPalette(light)
    assert (0x20, 0x20, 0x20) in colours_of(button.icon())
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.ButtonText, QColor("#e6e6e6"))
    button.setPalette(dark)  # what a switch to the dark theme does
    assert (0xE6, 0xE6, 0xE6) in colours_of(button.icon())
    assert (0x20, 0x20, 0x20) not in colours_of(button.icon())


def test_the_composer_and_header_buttons_are_icons_with_tooltips_and_names(qtbot):
    panel = ChatPanel()
    qtbot.addWidget(panel)
    buttons = [
        panel.composer.attach_button,
        panel.composer.send_button,
        panel.members_button,
        panel.more_button,
    ]
    for button in buttons:
        assert isinstance(button, IconButton)
        assert button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
        assert not button.icon().isNull()
        assert button.toolTip() and button.accessibleName()
    assert [b.accessibleName() for b in buttons] == ["Attach files", "Send", "Members", "Conversation menu"]
    assert panel.more_button.popupMode() == QToolButton.ToolButtonPopupMode.InstantPopup


def test_send_is_ready_only_with_something_to_send_and_says_so_in_the_accent(qtbot, tmp_path):
    composer = Composer()
    qtbot.addWidget(composer)
    composer.show()
    send = composer.send_button
    accent = composer.palette().color(QPalette.ColorRole.Highlight)
    assert not send.isEnabled()
    qtbot.keyClicks(composer.edit, "  ")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert not send.isEnabled()  # blanks are nothing to send
    qtbot.keyClicks(composer.edit, "hi")
    assert send.isEnabled()
    assert (accent.red(), accent.green(), accent.blue()) in colours_of(send.icon())
    composer.edit.clear()
    assert not send.isEnabled()
    file = tmp_path / "notes.txt"
    file.write_text("x")
    composer.stage_files([file])
    assert send.isEnabled()  # a file alone is something to send
    composer.staged.clear()
    assert not send.isEnabled()
    composer.start_edit(7, "old text")
    assert send.symbol_name == "save" and send.accessibleName() == "Save the change"
    composer.cancel_edit()
    assert send.symbol_name == "send" and send.accessibleName() == "Send"


def test_the_style_answers_stock_icons_with_ours_and_dialog_buttons_have_none(qtbot, chat_style):
    assert chat_style.styleHint(QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons) == 0
    palette = QApplication.palette()
    for standard, name in STANDARD_SYMBOLS.items():
        ours = chat_style.standardIcon(standard)
        assert colours_of(ours) == colours_of(symbol(name, palette)), name
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    for button in box.buttons():
        assert button.icon().isNull(), button.text()  # no red ✗ on Cancel, no green tick on OK
    message = QMessageBox(QMessageBox.Icon.Warning, "Open file", "Sure?", QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(message)
    shown = message.iconPixmap().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    text = palette.color(QPalette.ColorRole.ButtonText)
    assert any(
        shown.pixelColor(x, y).alpha() == 255 and shown.pixelColor(x, y).rgb() == text.rgb()
        for y in range(shown.height())
        for x in range(shown.width())
    )  # our warning sign in the text colour, not the platform's yellow bitmap


def make_picture(path: Path, width: int = 1600, height: int = 900) -> Path:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3a7bd5"))
    assert image.save(str(path))
    return path


def test_a_picture_gets_a_cropped_thumbnail_made_off_the_ui_thread(qtbot, tmp_path):
    picture = make_picture(tmp_path / "beach.png")
    tile = read_scaled(picture, QSize(TILE, TILE))
    assert (tile.width(), tile.height()) == (TILE, TILE)  # cropped to fill, not squashed
    assert read_scaled(tmp_path / "missing.png", QSize(TILE, TILE)).isNull()
    assert [kind_of(Path(n)) for n in ("a.JPG", "b.mp4", "c.pdf")] == ["image", "video", "file"]

    composer = Composer()
    qtbot.addWidget(composer)
    other = tmp_path / "report.pdf"
    other.write_bytes(b"%PDF-1.4\n")
    composer.stage_files([picture, other])
    picture_card, file_card = composer.staged.cards
    assert (picture_card.kind, file_card.kind) == ("image", "file")
    qtbot.waitUntil(lambda: picture_card.thumbnail is not None, timeout=20000)
    assert picture_card.thumbnail.toImage().pixelColor(10, 10) == QColor("#3a7bd5")
    assert file_card.name_label.text() == "report.pdf" and file_card.size_label.text() == "9 bytes"
    assert composer.staged.summary.text() == f"2 files · {composer.staged.summary.text().split(' · ')[1]}"


def test_a_broken_picture_keeps_its_placeholder(qtbot, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    composer = Composer()
    qtbot.addWidget(composer)
    with qtbot.waitSignal(loader().ready, timeout=20000, check_params_cb=lambda path, _: path == str(broken)):
        composer.stage_files([broken])
    card = composer.staged.cards[0]
    assert card.thumbnail is None and composer.staged.paths == [broken]  # the image icon stays, nothing fails


def test_each_staged_file_goes_with_its_cross_or_the_delete_key(qtbot, tmp_path):
    files = []
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(name)
        files.append(tmp_path / name)
    composer = Composer()
    qtbot.addWidget(composer)
    composer.show()
    qtbot.waitExposed(composer)
    composer.stage_files(files)
    changes: list[None] = []
    composer.draft_changed.connect(lambda: changes.append(None))
    composer.staged.card_for(files[1]).remove_button.click()
    assert composer.staged.paths == [files[0], files[2]]
    assert changes  # the draft keeps up
    first = composer.staged.card_for(files[0])
    composer.edit.setFocus()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is composer.staged.card_for(files[2]), timeout=10000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert composer.staged.paths == [files[0]]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=10000)  # the neighbour takes it
    qtbot.keyClick(first, Qt.Key.Key_Backspace)
    assert composer.staged.paths == [] and not composer.staged.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is composer.edit, timeout=10000)
    assert not composer.send_button.isEnabled()
