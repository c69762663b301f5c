"""The media viewer: a dark window laid over the app window that shows one picture or video of the
conversation at a time, with ← / → to the ones before and after it, zoom (Ctrl +/−/0, the wheel), save
(Ctrl+S) and Esc to close, as in Telegram and Signal. It never fetches anything: the session hands it
previews and, once downloaded, the files."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QImageReader, QKeyEvent, QKeySequence, QPalette, QPixmap
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsScene,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.views.shortcuts import MEDIA_NEXT, MEDIA_PREVIOUS, MEDIA_SAVE, MEDIA_ZOOM, add_shortcut
from desktop.views.symbols import IconButton
from desktop.views.video_player import VideoPlayer
from desktop.views.zoom_view import ZOOM_STEP, ZoomView

__all__ = ["MAX_VIEW_PIXELS", "MediaItem", "MediaViewer", "VideoPlayer"]

MAX_VIEW_PIXELS = 100_000_000  # the server makes no preview over 50 MP; the viewer shows up to 100 MP
BACKDROP = "#0e0f11"
TEXT = "#f1f3f4"
QUIET_TEXT = "#b4b8bd"  # 9.6:1 on the backdrop
FIRST_ITEM = "This is the first picture or video of the conversation."


@dataclass(frozen=True)
class MediaItem:
    """What the viewer needs of one picture or video: its name, whether it plays, its preview (if cached)."""

    name: str
    is_video: bool
    preview: QPixmap | None = None


def _dark_palette(base: QPalette) -> QPalette:
    """Dark whatever the app's theme (pictures look best on near-black), so the icons tint light."""
    palette = QPalette(base)
    r = QPalette.ColorRole
    for role, colour in (
        (r.Window, BACKDROP),
        (r.Base, BACKDROP),
        (r.Button, "#222428"),
        (r.WindowText, TEXT),
        (r.Text, TEXT),
        (r.ButtonText, TEXT),
        (r.ToolTipBase, "#222428"),
        (r.ToolTipText, TEXT),
    ):
        palette.setColor(role, QColor(colour))
    return palette


class MediaViewer(QWidget):
    """Signals: current_changed(int) — the item now shown (the session then brings its file);
    save_requested(int) — Ctrl+S or the save button on that item; older_wanted() — ← on the first item
    while older ones may exist (the session answers with ``prepend_items``, ``older_ended`` or
    ``older_failed``). ``index`` is the item shown."""

    current_changed = Signal(int)
    save_requested = Signal(int)
    older_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setWindowTitle("Media")
        self.setAutoFillBackground(True)
        self.setPalette(_dark_palette(self.palette()))
        self.items: list[MediaItem] = []
        self.index = -1
        self.more_before = False  # older pictures or videos may exist beyond the first item
        self.loading_older = False
        self.full_size: QSize | None = None  # of the picture shown, once its whole file is read
        self.video_player: VideoPlayer | None = None

        self.scene = QGraphicsScene(self)
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene.addItem(self.item)
        self.view = ZoomView(self.scene, self)
        self.view.setFrameShape(ZoomView.Shape.NoFrame)
        self.view.setBackgroundBrush(QColor(BACKDROP))
        self.video_page = QWidget(self)
        self.video_layout = QVBoxLayout(self.video_page)
        self.video_layout.setContentsMargins(0, 0, 0, 0)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.view)
        self.pages.addWidget(self.video_page)

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a file name from the network
        self.counter = QLabel(self)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.counter, self.status):
            label.setStyleSheet(f"color: {QUIET_TEXT};")
        self.previous_button = IconButton("back", "Previous (←)", "Previous", self, size=26)
        self.next_button = IconButton("forward", "Next (→)", "Next", self, size=26)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.zoom_buttons: list[IconButton] = []
        top = QHBoxLayout()
        top.setContentsMargins(12, 8, 8, 4)
        top.addWidget(self.title)
        top.addWidget(self.counter)
        top.addStretch(1)
        for name, tip, spoken, handler in (
            ("zoom_out", "Zoom out (Ctrl+-)", "Zoom out", self.zoom_out),
            ("fit", "Fit to window (Ctrl+0)", "Fit to window", self.fit),
            ("actual_size", "Actual size", "Actual size", self.actual_size),
            ("zoom_in", "Zoom in (Ctrl++)", "Zoom in", self.zoom_in),
        ):
            button = IconButton(name, tip, spoken, self, size=20)
            button.clicked.connect(handler)
            top.addWidget(button)
            self.zoom_buttons.append(button)
        self.save_button = IconButton("download", "Save as… (Ctrl+S)", "Save as", self, size=20)
        self.save_button.clicked.connect(self._save)
        self.close_button = IconButton("close", "Close (Esc)", "Close", self, size=20)
        self.close_button.clicked.connect(self.close)
        top.addWidget(self.save_button)
        top.addWidget(self.close_button)
        middle = QHBoxLayout()
        middle.setContentsMargins(4, 0, 4, 0)
        middle.addWidget(self.previous_button)
        middle.addWidget(self.pages, 1)
        middle.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.status, 0, Qt.AlignmentFlag.AlignHCenter)

        self._tint_buttons(self)

        for keys, action in (
            (QKeySequence(MEDIA_PREVIOUS), lambda: self.step(-1)),
            (QKeySequence(MEDIA_NEXT), lambda: self.step(1)),
            (QKeySequence(Qt.Key.Key_Escape), self.close),
            (QKeySequence(Qt.Key.Key_Space), self._toggle_video),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),  # Ctrl++ without Shift on most keyboards
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence(MEDIA_ZOOM[2]), self.fit),
            (QKeySequence(MEDIA_SAVE), self._save),
        ):
            add_shortcut(keys, self, action)

    # what is shown
    def open_at(
        self, items: list[MediaItem], index: int, over: QWidget | None = None, *, more_before: bool = False
    ) -> None:
        """Shows ``items[index]`` laid over ``over`` (the app window), or as a window of its own;
        ``more_before``: the conversation may hold older ones than ``items[0]`` (← past it asks for them)."""
        self.items = list(items)
        self.more_before = more_before
        self.loading_older = False
        if over is not None:
            self.setGeometry(over.window().geometry())
        elif not self.isVisible():
            self.resize(900, 680)
        self.show()
        self.raise_()
        self.activateWindow()
        self._go(max(0, min(index, len(self.items) - 1)))

    def step(self, delta: int) -> None:
        """To the picture or video before (-1) or after (+1); before the first, older ones are asked for
        (once at a time) until the conversation's first is reached."""
        target = self.index + delta
        if 0 <= target < len(self.items) and target != self.index:
            self._go(target)
        elif target < 0 and self.index == 0:
            if self.loading_older:
                return
            if not self.more_before:
                self.status.setText(FIRST_ITEM)
                return
            self.loading_older = True
            self.status.setText("Loading older pictures and videos…")
            self.older_wanted.emit()

    def prepend_items(self, items: list[MediaItem]) -> None:
        """Older items, oldest first, before the first one; the newest of them is shown (the ← that asked)."""
        self.loading_older = False
        if not items:
            return
        self.items[0:0] = items
        self.index += len(items)
        self._go(self.index - 1)

    def older_ended(self) -> None:
        """Nothing older: the first item is the conversation's first picture or video."""
        self.loading_older = self.more_before = False
        self.previous_button.setEnabled(self.index > 0)
        if self.index == 0:
            self.status.setText(FIRST_ITEM)

    def older_failed(self, message: str) -> None:
        """Older ones could not be asked for (offline): the next ← tries again."""
        self.loading_older = False
        self.status.setText(message)

    def _go(self, index: int) -> None:
        self._stop_video()
        self.index = index
        item = self.items[index]
        self.full_size = None
        self.title.setText(item.name)
        self.setWindowTitle(item.name)
        self.counter.setText(f"{index + 1} of {len(self.items)}")
        self.previous_button.setEnabled(index > 0 or self.more_before)
        self.next_button.setEnabled(index < len(self.items) - 1)
        for button in self.zoom_buttons:
            button.setEnabled(not item.is_video)
        self.pages.setCurrentWidget(self.view)  # the poster until the video itself is there
        self._show_pixmap(item.preview if item.preview is not None else QPixmap())
        self.status.setText("Loading the video…" if item.is_video else "Loading the full image…")
        self.current_changed.emit(index)

    def show_preview(self, index: int, preview: QPixmap) -> None:
        """The item's preview arrived (a picture paged in from older history had none cached): kept for
        the next visit, and shown now if ``index`` is in front and its whole file is not yet."""
        if not 0 <= index < len(self.items):
            return
        self.items[index] = replace(self.items[index], preview=preview)
        if index == self.index and self.full_size is None and self.pages.currentWidget() is self.view:
            self._show_pixmap(preview)

    def show_image_file(self, index: int, path: Path) -> bool:
        """The whole picture (when ``index`` is still the one shown), read only if its header says it is
        of a sane size (no decompression bomb)."""
        if index != self.index:
            return False
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        size = reader.size()
        if not size.isValid() or size.width() * size.height() > MAX_VIEW_PIXELS:
            self.status.setText("This image is too large to show here; save it to open it elsewhere.")
            return False
        image = reader.read()
        if image.isNull():
            self.status.setText(f"This image could not be shown: {reader.errorString()}")
            return False
        self.full_size = image.size()
        self.status.setText(f"{image.width()} × {image.height()}")
        self._show_pixmap(QPixmap.fromImage(image))
        return True

    def _show_pixmap(self, pixmap: QPixmap) -> None:
        """The picture on the scene, fitted to the window."""
        self.item.setPixmap(pixmap)
        self.scene.setSceneRect(self.item.boundingRect())
        self.view.fit()

    def play_video_file(self, index: int, path: Path) -> VideoPlayer | None:
        """Plays the video (when ``index`` is still the one shown) on the viewer's own page."""
        if index != self.index:
            return None
        self._stop_video()
        player = VideoPlayer(self.items[index].name, self.video_page, embedded=True)
        player.failed.connect(self.show_error)
        self.video_layout.addWidget(player)
        self._tint_buttons(player)
        self.video_player = player
        self.pages.setCurrentWidget(self.video_page)
        self.status.setText("")
        player.play(path)
        return player

    def _tint_buttons(self, within: QWidget) -> None:
        """Light icons on the dark backdrop: an icon button has a style sheet of its own, and so takes the
        app's palette (black icons in a light theme) instead of this window's."""
        for button in within.findChildren(IconButton):
            button.setPalette(self.palette())

    def show_error(self, message: str) -> None:
        self.status.setText(message)

    def _stop_video(self) -> None:
        if self.video_player is not None:
            self.video_player.player.stop()
            self.video_player.deleteLater()
            self.video_player = None

    def _toggle_video(self) -> None:
        if self.video_player is not None:
            self.video_player.toggle()

    # zoom and save
    def zoom_in(self) -> None:
        self.view.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.view.zoom(1 / ZOOM_STEP)

    def fit(self) -> None:
        self.view.fit()

    def actual_size(self) -> None:
        self.view.fitting = False
        self.view.resetTransform()
        if self.full_size is None and not self.item.pixmap().isNull():
            self.view.fit()  # only the preview so far: its "actual size" would be a thumbnail's

    def _save(self) -> None:
        if 0 <= self.index < len(self.items):
            self.save_requested.emit(self.index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The plain keys again, for when a shortcut does not see them (seen with a video page in front:
        Esc went unanswered until this)."""
        actions = {Qt.Key.Key_Escape: self.close, Qt.Key.Key_Left: lambda: self.step(-1)}
        actions[Qt.Key.Key_Right] = lambda: self.step(1)
        action = (
            actions.get(Qt.Key(event.key())) if event.modifiers() == Qt.KeyboardModifier.NoModifier else None
        )
        if action is None:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_video()
        self.loading_older = False  # a late answer finds no one waiting
        super().closeEvent(event)
