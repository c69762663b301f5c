"""The message composer: multi-line, Enter sends, Shift+Enter breaks the line, Send enabled only with text
or files; files come from the attach button, a drop or a paste and wait above the text until sent. What
the server would refuse (GET /limits) is refused here, with the reason on the notice line."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.drafts import Draft
from desktop.domain.records import ReplyTo
from desktop.domain.send_limits import SendLimits
from desktop.views.composer_notice import NEAR, ComposerNotice
from desktop.views.editing_bar import EditingBar
from desktop.views.emoji_button import EmojiButton
from desktop.views.reply_bar import ReplyBar
from desktop.views.staged_files import StagedFiles
from desktop.views.symbols import IconButton

MAX_LINES_SHOWN = 8
SEND_TOOLTIP = "Send (Enter) · New line: Shift+Enter"


class ComposerEdit(QPlainTextEdit):
    """Signals: submit() on Enter (without Shift), typed() after a key that changed the text,
    files_pasted(list[Path]), image_pasted(QImage), up_in_empty() — ↑ with nothing written, escape() — Esc
    while ``takes_escape`` (editing: the window's own Esc shortcut must not take it); grows with its text up
    to a few lines."""

    submit = Signal()
    typed = Signal()
    files_pasted = Signal(list)
    image_pasted = Signal(QImage)
    up_in_empty = Signal()
    escape = Signal()
    takes_escape = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Write a message…")
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())
        self.setAccessibleName("Message")

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self.takes_escape
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            event.accept()  # then it arrives as a key press here, not as the window's shortcut
            return True
        return super().event(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()  # a new text size (Settings → Appearance): lines are taller or shorter

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.takes_escape:
            event.accept()
            self.escape.emit()
            return
        if (
            event.key() == Qt.Key.Key_Up
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
            and self.document().isEmpty()
        ):
            event.accept()
            self.up_in_empty.emit()
            return
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
    were picked from this folder (the attach picker opens there next time; the session keeps it),
    draft_changed() — the user changed the text or the staged files (not set_draft); edit_submitted(int seq,
    str text) — Enter saved an edit of my message; edit_last_requested() — ↑ in an empty composer (the
    session finds my last message and calls start_edit).

    Editing happens here, not in a dialog: start_edit puts the message's text in, with an "Editing" bar
    above; Enter saves, Esc or ✕ cancels, and the draft that was there comes back either way.

    A reply (start_reply) shows its quote bar above; it is part of the draft (``reply_to``, kept per
    conversation), read by whoever hears send_requested or send_files_requested, and cleared after the
    send; Esc or ✕ cancels it. ``name_for`` names the quoted sender (the session sets it)."""

    send_requested = Signal(str)
    send_files_requested = Signal(list, str)
    image_pasted = Signal(QImage)
    composing = Signal()
    attach_folder_changed = Signal(str)
    draft_changed = Signal()
    edit_submitted = Signal(int, str)
    edit_last_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = ComposerEdit(self)
        self.send_button = IconButton("send", SEND_TOOLTIP, "Send", self, accented=True)
        self.send_button.setEnabled(False)
        self.attach_button = IconButton(
            "attach", "Attach files (or drop them here, or paste an image)", "Attach files", self
        )
        self.attach_button.clicked.connect(self.pick_files)
        self.attach_folder = Path.home()  # where the attach picker opens: home at first, then the last folder
        self.staged = StagedFiles(self)
        self.staged.changed.connect(lambda: self._update_notice())  # once the notice exists (below)
        self.staged.changed.connect(self._chain_tab_order)
        # attach · text · (emoji and other buttons go before send) · send, all on the text's last line
        self.button_row = QHBoxLayout()
        self.button_row.setSpacing(2)
        self.button_row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.button_row.addWidget(self.edit, 1)
        self.emoji_button = EmojiButton(self.edit, self)  # Ctrl+E too; the emoji goes in at the cursor
        self.button_row.addWidget(self.emoji_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.button_row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        self.editing_bar = EditingBar(self)
        self.editing_bar.cancelled.connect(self.cancel_edit)
        self.editing_seq: int | None = None  # the message being edited, if any
        self._editing_original = ""
        self._stashed = Draft()  # the draft put aside while editing
        self.reply_bar = ReplyBar(self)
        self.reply_bar.cancelled.connect(self.cancel_reply)
        self.reply_to: ReplyTo | None = None  # the message the draft answers, if any
        self.name_for: Callable[[int], str] = lambda user_id: "them"
        layout.addWidget(self.reply_bar)
        layout.addWidget(self.editing_bar)
        layout.addWidget(self.staged)
        layout.addLayout(self.button_row)
        self.limits = SendLimits()  # the server's, once the session has read them (set_limits)
        self.notice = ComposerNotice(self)
        self._file_notice = ""  # files refused when staged: said until the files or the draft change
        self.edit.textChanged.connect(self._update_notice)
        layout.addWidget(self.notice)
        self.edit.files_pasted.connect(self.stage_files)
        self.edit.image_pasted.connect(self.image_pasted)
        self.edit.textChanged.connect(self._update_send_enabled)
        self.edit.submit.connect(self.submit)
        self.edit.typed.connect(self._on_typed)
        self.send_button.clicked.connect(self.submit)
        self._loading = False  # set_draft is putting a stored draft in: no draft_changed
        self.edit.textChanged.connect(self._on_draft_changed)
        self.staged.changed.connect(self._on_draft_changed)
        self.edit.up_in_empty.connect(self._on_up_in_empty)
        self.edit.escape.connect(self._on_escape)

    # drafts: one per conversation, kept by the session
    def draft(self) -> Draft:
        """What is being written (while editing: the draft put aside, not the edited text)."""
        if self.editing_seq is not None:
            return Draft(self._stashed.text, list(self._stashed.files), self._stashed.reply_to)
        return Draft(self.edit.toPlainText(), list(self.staged.paths), self.reply_to)

    def set_draft(self, draft: Draft) -> None:
        """Shows a conversation's draft (empty for none), the cursor at its end; an edit is dropped."""
        self._end_edit()
        self._put(draft)

    def _put(self, draft: Draft) -> None:
        self._file_notice = ""
        self._loading = True
        try:
            self.edit.setPlainText(draft.text)
            self.edit.moveCursor(QTextCursor.MoveOperation.End)
            self.staged.clear()
            self.staged.add(draft.files)  # files deleted meanwhile are left out
            self._set_reply(draft.reply_to)
        finally:
            self._loading = False
        self._update_notice()

    def put_back_text(self, text: str) -> None:
        """A discarded message's text comes back to be changed and sent again, after what is written."""
        self.cancel_edit()
        cursor = self.edit.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        joint = "\n" if self.edit.toPlainText().strip() else ""
        cursor.insertText(joint + text)  # undoable, unlike setPlainText
        self.edit.setTextCursor(cursor)
        self.focus()

    # the server's limits
    def set_limits(self, limits: SendLimits) -> None:
        self.limits = limits
        self._update_notice()

    def _outgoing_text(self) -> str:
        """The text as submit would send it (a caption is stripped, a message keeps inner spaces)."""
        text = self.edit.toPlainText()
        return text.strip() if self.staged.paths and self.editing_seq is None else text.strip("\n")

    def problem(self) -> str | None:
        """Why what is written cannot be sent now, or None."""
        return self.limits.text_problem(self._outgoing_text())

    def _update_notice(self) -> None:
        problem = self.problem()
        count, limit = len(self._outgoing_text()), self.limits.max_message_chars
        if problem:
            self.notice.show_problem(problem)
        elif self._file_notice:
            self.notice.show_problem(self._file_notice)
        elif count >= NEAR * limit:
            left = limit - count
            self.notice.show_count(f"{left:,} character{'s' if left != 1 else ''} left")
        else:
            self.notice.clear_notice()
        self._update_send_enabled()

    def _on_draft_changed(self) -> None:
        if not self._loading and self.editing_seq is None:
            self.draft_changed.emit()

    # replying
    def start_reply(self, reply_to: ReplyTo) -> None:
        """The quote bar shows; what is written stays. An edit in progress ends first (its draft returns)."""
        self.cancel_edit()
        self._set_reply(reply_to)
        self.draft_changed.emit()
        self.focus()

    def cancel_reply(self) -> None:
        if self.reply_to is not None:
            self._set_reply(None)
            self.draft_changed.emit()
            self.focus()

    def follow_reply(self, reply_to: ReplyTo) -> None:
        """The draft's quote of the same original, as it is now (edited, deleted, or deleted for me): the bar
        shows it at once, what is written stays; while editing, the draft put aside gets it."""
        if self.editing_seq is not None:
            if self._stashed.reply_to is not None and self._stashed.reply_to.seq == reply_to.seq:
                self._stashed.reply_to = reply_to
        elif self.reply_to is not None and self.reply_to.seq == reply_to.seq:
            self._set_reply(reply_to)

    def _set_reply(self, reply_to: ReplyTo | None) -> None:
        self.reply_to = reply_to
        if reply_to is None:
            self.reply_bar.hide()
        else:
            self.reply_bar.show_for(self.name_for(reply_to.sender_id), reply_to.snippet, reply_to.gone)
        self.edit.takes_escape = self.editing_seq is not None or reply_to is not None

    def _on_escape(self) -> None:
        if self.editing_seq is not None:
            self.cancel_edit()
        else:
            self.cancel_reply()

    # editing one of my messages
    @property
    def editing(self) -> bool:
        return self.editing_seq is not None

    @property
    def editing_original(self) -> str:
        """The edited message's text as it is on the server ("" when not editing)."""
        return self._editing_original

    def start_edit(self, seq: int, original: str, text: str | None = None) -> None:
        """The message goes into the composer to be changed (``text`` when given: a refused edit comes back
        as the user wrote it); what was written before waits meanwhile."""
        if self.editing_seq is None:
            self._stashed = self.draft()
        self.editing_seq = seq
        self._editing_original = original
        self._put(Draft(original if text is None else text))
        self.editing_bar.show_for(original)
        self.attach_button.setEnabled(False)  # an edit changes the text only
        self.send_button.set_symbol("save")
        self.send_button.setText("Save")
        self.send_button.setAccessibleName("Save the change")
        self.send_button.setToolTip("Save the change (Enter) · Cancel: Esc")
        self.edit.takes_escape = True
        self.focus()

    def cancel_edit(self) -> None:
        """Esc or ✕: the message stays as it was, the draft comes back."""
        if self.editing_seq is not None:
            stashed = self._stashed
            self._end_edit()
            self._put(stashed)
            self.focus()

    def _end_edit(self) -> None:
        self.editing_seq = None
        self._editing_original = ""
        self._stashed = Draft()
        self.editing_bar.hide()
        self.attach_button.setEnabled(True)
        self.send_button.set_symbol("send")
        self.send_button.setText("Send")
        self.send_button.setAccessibleName("Send")
        self.send_button.setToolTip(SEND_TOOLTIP)
        self.edit.takes_escape = self.reply_to is not None

    def _submit_edit(self, seq: int) -> None:
        text = self.edit.toPlainText().strip("\n")
        if not text.strip() or self.problem():
            return  # an edit cannot empty a message (Delete does that), nor pass the limit; the bar stays
        if text != self._editing_original:
            self.edit_submitted.emit(seq, text)
        self.cancel_edit()

    def _on_up_in_empty(self) -> None:
        if self.editing_seq is None and not self.staged.paths:
            self.edit_last_requested.emit()

    def _update_send_enabled(self) -> None:
        something = bool(self.edit.toPlainText().strip() or self.staged.paths)
        self.send_button.setEnabled(something and self.problem() is None)

    def _chain_tab_order(self) -> None:
        """Shift+Tab from the text reaches the staged files (Delete removes one), then the attach button."""
        chain = [self.attach_button, *self.staged.cards, self.edit]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        focused = QApplication.focusWidget()
        if not self.staged.cards and focused is not None and self.staged.isAncestorOf(focused):
            self.focus()  # the last file went with the focus on it: back to the text

    def stage_files(self, paths: list[Path]) -> None:
        """Files dropped or pasted while editing end the edit: they belong to the draft, which comes back.
        A file over the server's limit is not staged; the notice line says which and why."""
        self.cancel_edit()
        accepted: list[Path] = []
        refused: list[str] = []
        for path in map(Path, paths):
            try:
                problem = self.limits.file_problem(path.name, path.stat().st_size) if path.is_file() else None
            except OSError:
                problem = None  # unreadable: StagedFiles leaves it out, the send would say why
            if problem:
                refused.append(problem)
            else:
                accepted.append(path)
        self.staged.add(accepted)
        if refused:
            more = len(refused) - 1
            self._file_notice = refused[0] + (
                f" {more} more file{'s are' if more != 1 else ' is'} over the limit too." if more else ""
            )
        else:
            self._file_notice = ""
        self._update_notice()
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
        if self.edit.toPlainText().strip() and self.editing_seq is None:  # keys, not the program's text
            self.composing.emit()

    def submit(self) -> None:
        if self.editing_seq is not None:
            self._submit_edit(self.editing_seq)
            return
        text = self.edit.toPlainText()
        if self.problem():
            return  # the notice line says why; nothing is cleared
        self._file_notice = ""
        if self.staged.paths:
            paths = list(self.staged.paths)
            self.staged.clear()
            self.send_files_requested.emit(paths, text.strip())
            self._set_reply(None)
            self.edit.clear()
            self._on_draft_changed()
            return
        if not text.strip():
            return
        self.send_requested.emit(text.strip("\n"))
        self._set_reply(None)
        self.edit.clear()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
