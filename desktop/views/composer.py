"""The message composer: multi-line, Enter sends, Shift+Enter breaks the line, Send enabled only with text
or files; files come from the attach button, a drop or a paste and wait above the text until sent."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.drafts import Draft
from desktop.views.staged_files import StagedFiles

MAX_LINES_SHOWN = 8


class ComposerEdit(QPlainTextEdit):
    """Signals: submit() on Enter (without Shift), typed() after a key that changed the text,
    files_pasted(list[Path]), image_pasted(QImage); grows with its text up to a few lines."""

    submit = Signal()
    typed = Signal()
    files_pasted = Signal(list)
    image_pasted = Signal(QImage)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Write a message…")
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())
        self.setAccessibleName("Message")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier)
        ):
            event.accept()
            self.submit.emit()
            return
        before = self.document().revision()
        super().keyPressEvent(event)
        if self.document().revision() != before:
            self.typed.emit()

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or _local_files(source) != [] or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pasted or dropped files and images are attachments, not their path or nothing."""
        files = _local_files(source)
        if files:
            self.files_pasted.emit(files)
        elif source.hasImage() and not source.hasText():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.image_pasted.emit(image)
        else:
            super().insertFromMimeData(source)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        lines = max(1, min(MAX_LINES_SHOWN, int(self.document().size().height())))  # in lines, for plain text
        margins = self.contentsMargins()
        height = (
            lines * metrics.lineSpacing()
            + 2 * self.document().documentMargin()
            + margins.top()
            + margins.bottom()
        )
        return QSize(super().sizeHint().width(), int(height) + 2)

    def minimumSizeHint(self) -> QSize:
        """One line is enough: the scroll area's own minimum (room for a scroll bar) is far taller."""
        return QSize(80, self.sizeHint().height())


def _local_files(source: QMimeData) -> list[Path]:
    return [Path(url.toLocalFile()) for url in source.urls() if url.isLocalFile()] if source.hasUrls() else []


class Composer(QWidget):
    """Signals: send_requested(str), send_files_requested(list[Path], str caption), image_pasted(QImage),
        composing() — the user changed a non-empty draft (for "is typing"), attach_folder_changed(str) — files
        were picked from this folder (the 📎 picker opens there next time; the session keeps it),
    draft_changed() — the user changed the text or the staged files (not set_draft)."""

    send_requested = Signal(str)
    send_files_requested = Signal(list, str)
    image_pasted = Signal(QImage)
    composing = Signal()
    attach_folder_changed = Signal(str)
    draft_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = ComposerEdit(self)
        self.send_button = QPushButton("Send", self)
        self.send_button.setEnabled(False)
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.setToolTip("Send (Enter) · New line: Shift+Enter")
        self.attach_button = QToolButton(self)
        self.attach_button.setText("📎")
        self.attach_button.setAutoRaise(True)
        self.attach_button.setToolTip("Attach files (or drop them here, or paste an image)")
        self.attach_button.setAccessibleName("Attach files")
        self.attach_button.clicked.connect(self.pick_files)
        self.attach_folder = Path.home()  # where the 📎 picker opens: home at first, then the last folder
        self.staged = StagedFiles(self)
        self.staged.changed.connect(self._update_send_enabled)
        row = QHBoxLayout()
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addWidget(self.staged)
        layout.addLayout(row)
        self.edit.files_pasted.connect(self.stage_files)
        self.edit.image_pasted.connect(self.image_pasted)
        self.edit.textChanged.connect(self._update_send_enabled)
        self.edit.submit.connect(self.submit)
        self.edit.typed.connect(self._on_typed)
        self.send_button.clicked.connect(self.submit)
        self._loading = False  # set_draft is putting a stored draft in: no draft_changed
        self.edit.textChanged.connect(self._on_draft_changed)
        self.staged.changed.connect(self._on_draft_changed)

    # drafts: one per conversation, kept by the session
    def draft(self) -> Draft:
        return Draft(self.edit.toPlainText(), list(self.staged.paths))

    def set_draft(self, draft: Draft) -> None:
        """Shows a conversation's draft (empty for none), the cursor at its end."""
        self._loading = True
        try:
            self.edit.setPlainText(draft.text)
            self.edit.moveCursor(QTextCursor.MoveOperation.End)
            self.staged.clear()
            self.staged.add(draft.files)  # files deleted meanwhile are left out
        finally:
            self._loading = False

    def _on_draft_changed(self) -> None:
        if not self._loading:
            self.draft_changed.emit()

    def _update_send_enabled(self) -> None:
        self.send_button.setEnabled(bool(self.edit.toPlainText().strip() or self.staged.paths))

    def stage_files(self, paths: list[Path]) -> None:
        self.staged.add(paths)
        self.focus()

    def pick_files(self) -> None:
        folder = self.attach_folder if self.attach_folder.is_dir() else Path.home()
        dialog = QFileDialog(self, "Attach files", str(folder))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        if not dialog.exec():
            return
        names = dialog.selectedFiles()
        if names:
            self.attach_folder = Path(names[0]).parent
            self.attach_folder_changed.emit(str(self.attach_folder))
            self.stage_files([Path(name) for name in names])

    def _on_typed(self) -> None:
        if self.edit.toPlainText().strip():  # keys, not text the program put there
            self.composing.emit()

    def submit(self) -> None:
        text = self.edit.toPlainText()
        if self.staged.paths:
            paths = list(self.staged.paths)
            self.staged.clear()
            self.send_files_requested.emit(paths, text.strip())
            self.edit.clear()
            return
        if not text.strip():
            return
        self.send_requested.emit(text.strip("\n"))
        self.edit.clear()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
