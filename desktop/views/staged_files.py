"""The attachment tray above the composer: files picked, dropped or pasted wait there until sent (the text
becomes their caption), a thumbnail tile for each picture or video and a card for any other file, each with
its own ✕ (or Delete when it has the focus)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QImage,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.models.file_labels import human_size
from desktop.models.plain_text import plain_tooltip
from desktop.views import palette_colors
from desktop.views.elided_label import ElidedLabel
from desktop.views.local_thumbnails import kind_of, loader
from desktop.views.quiet_text import make_quiet
from desktop.views.symbols import IconButton, symbol

TILE = 72  # a picture's square tile, in px
FILE_CARD_WIDTH = 190
RADIUS = 8


class StagedCard(QFrame):
    """One staged file. Signals: remove_requested(Path) — its ✕, or Delete/Backspace while focused."""

    remove_requested = Signal(Path)

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.kind = kind_of(path)
        self.thumbnail: QPixmap | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Attachment {path.name}")
        self.setToolTip(plain_tooltip(f"{path}\nDelete removes it"))
        self.remove_button = IconButton(
            "close", "Don't send this file (Delete)", f"Remove {path.name}", self, size=14
        )
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the card itself takes Delete
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.path))
        self.name_label = ElidedLabel(path.name, self)
        self.size_label = QLabel(self)
        self.size_label.setTextFormat(Qt.TextFormat.PlainText)
        try:
            self.size_label.setText(human_size(path.stat().st_size))
        except OSError:
            self.size_label.setText("")
        if self.kind == "file":
            self._file_layout()
        else:
            self.setFixedSize(TILE, TILE)
            self.name_label.hide()
            self.size_label.hide()
            self.remove_button.setStyleSheet(
                "QToolButton { background: rgba(0, 0, 0, 140); border-radius: 10px; }"
                "QToolButton::menu-indicator { image: none; }"
            )
            self.remove_button.set_symbol("close", color=Qt.GlobalColor.white)
            self.remove_button.setFixedSize(20, 20)
            self.remove_button.move(TILE - 23, 3)
            loader().ready.connect(self._on_thumbnail)
            loader().request(path, QSize(TILE, TILE) * max(1.0, self.devicePixelRatioF()))

    def _file_layout(self) -> None:
        self.setFixedSize(FILE_CARD_WIDTH, TILE)
        self.icon_label = QLabel(self)
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        self.icon_label.setPixmap(symbol("file", self.palette(), accent).pixmap(28, 28))
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addStretch(1)
        texts.addWidget(self.name_label)
        texts.addWidget(self.size_label)
        texts.addStretch(1)
        make_quiet(self.size_label)  # quieter than the name, still ≥ 4.5:1
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 4, 6)
        layout.setSpacing(8)
        layout.addWidget(self.icon_label)
        layout.addLayout(texts, 1)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

    def _on_thumbnail(self, path: str, image: QImage) -> None:
        if path != str(self.path) or self.thumbnail is not None:
            return  # another file's, or this file's again (staged in another conversation's draft too)
        if not image.isNull():
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(image.width() / TILE)
            self.thumbnail = pixmap
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            event.accept()
            self.remove_requested.emit(self.path)
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        clip = QPainterPath()
        clip.addRoundedRect(rect, RADIUS, RADIUS)
        fill, _text = palette_colors.their_bubble(self.palette())
        painter.fillPath(clip, fill)
        if self.kind != "file":
            if self.thumbnail is not None:
                painter.setClipPath(clip)
                painter.drawPixmap(rect.toRect(), self.thumbnail)
                painter.setClipping(False)
            else:
                icon = symbol(self.kind, self.palette())
                icon.paint(painter, rect.toRect().adjusted(20, 20, -20, -20))
        if self.hasFocus():
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
            painter.drawRoundedRect(rect, RADIUS, RADIUS)
        painter.end()


class _Strip(QScrollArea):
    """The cards side by side; more than fit scroll sideways under the wheel, with no scroll bar (and no
    say in the window's minimum width)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(True)
        self.setFixedHeight(TILE + 4)
        self.inner = QWidget(self)
        self.row = QHBoxLayout(self.inner)
        self.row.setContentsMargins(0, 2, 0, 2)
        self.row.setSpacing(6)
        self.row.addStretch(1)
        self.setWidget(self.inner)
        self.viewport().setAutoFillBackground(False)
        self.inner.setAutoFillBackground(False)

    def minimumSizeHint(self) -> QSize:
        return QSize(40, TILE + 4)

    def wheelEvent(self, event: QWheelEvent) -> None:
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() - event.angleDelta().y() - event.angleDelta().x())
        event.accept()


class StagedFiles(QWidget):
    """Hidden while empty. Signals: changed()."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.cards: list[StagedCard] = []
        self.summary = QLabel(self)  # "3 files · 2.6 KB", short, always whole
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        make_quiet(self.summary)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.summary.setToolTip("Enter sends them; the text you write is their caption")
        self.clear_button = IconButton(
            "trash", "Don't send any of these files", "Remove all files", self, size=16
        )
        self.clear_button.clicked.connect(self.clear)
        self.strip = _Strip(self)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.strip)
        self.setAccessibleName("Files to send")
        self.hide()

    def add(self, paths: list[Path]) -> None:
        known = set(self.paths)
        for path in map(Path, paths):
            if path not in known and path.is_file():
                known.add(path)
                self.paths.append(path)
                card = StagedCard(path, self.strip.inner)
                card.remove_requested.connect(self.remove)
                self.strip.row.insertWidget(len(self.cards), card)
                self.cards.append(card)
        self._refresh()

    def remove(self, path: Path) -> None:
        """One file out of the tray; the focus moves to its neighbour (the text after the last one)."""
        if path not in self.paths:
            return
        index = self.paths.index(path)
        card = self.cards.pop(index)
        had_focus = card.hasFocus()
        self.paths.pop(index)
        card.hide()
        card.deleteLater()
        if had_focus and self.cards:
            self.cards[min(index, len(self.cards) - 1)].setFocus(Qt.FocusReason.OtherFocusReason)
        self._refresh()

    def clear(self) -> None:
        for card in self.cards:
            card.hide()
            card.deleteLater()
        self.cards = []
        self.paths = []
        self._refresh()

    def card_for(self, path: Path) -> StagedCard:
        return self.cards[self.paths.index(path)]

    def _refresh(self) -> None:
        if self.paths:
            total = sum(p.stat().st_size for p in self.paths if p.is_file())
            count = f"{len(self.paths)} files · " if len(self.paths) > 1 else ""
            self.summary.setText(f"{count}{human_size(total)}")
        self.setVisible(bool(self.paths))
        self.changed.emit()
