"""The sign-in window's second step with two-factor sign-in on: the six digits from the authenticator app
(typed or pasted, sent as soon as six are there) or a recovery code, with a way back to the password."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.views.palette_colors import error_color

CODE_DIGITS = 6
APP_PROMPT = "Open your authenticator app and type the six-digit code it shows for ChatIDK."
RECOVERY_PROMPT = "Type one of the recovery codes you saved when you turned on two-factor sign-in."


def code_digits(text: str) -> str:
    """What a typed or pasted code means: its digits, at most six ("123 456", "123-456" → "123456")."""
    return "".join(ch for ch in text if ch.isdigit())[:CODE_DIGITS]


class CodeStep(QWidget):
    """Signals: code_submitted(str code, bool recovery), back_requested()."""

    code_submitted = Signal(str, bool)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recovery = False
        self._busy = False
        self.prompt = QLabel(APP_PROMPT, self)
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)
        self.prompt.setWordWrap(True)
        self.code_edit = QLineEdit(self)
        self.code_edit.setAccessibleName("Code")
        self.code_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(QFont(self.font()).pointSizeF() * 1.6)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 4)
        self.code_edit.setFont(font)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.verify_button = QPushButton("Verify", self)
        self.verify_button.setDefault(True)
        self.switch_button = QPushButton(self)
        self.back_button = QPushButton("Back to the password", self)
        self.links = (self.switch_button, self.back_button)
        for link in self.links:
            link.setFlat(True)
            link.setAutoDefault(False)
            link.setCursor(Qt.CursorShape.PointingHandCursor)
            link.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(self.prompt)
        layout.addWidget(self.code_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.verify_button)
        layout.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

        self.code_edit.textEdited.connect(self._edited)
        self.code_edit.textChanged.connect(lambda _: self._update_enabled())
        self.code_edit.returnPressed.connect(self.submit)
        self.verify_button.clicked.connect(self.submit)
        self.switch_button.clicked.connect(lambda: self.set_recovery(not self.recovery))
        self.back_button.clicked.connect(self.back_requested)
        self.setTabOrder(self.code_edit, self.verify_button)
        self.setTabOrder(self.verify_button, self.switch_button)
        self.setTabOrder(self.switch_button, self.back_button)
        self.set_recovery(False)

    def start(self) -> None:
        """A new challenge: an empty field for the app's code, focused."""
        self.set_recovery(False)
        self.show_error("")

    def set_recovery(self, recovery: bool) -> None:
        self.recovery = recovery
        self.prompt.setText(RECOVERY_PROMPT if recovery else APP_PROMPT)
        self.code_edit.setPlaceholderText("xxxxx-xxxxx" if recovery else "123456")
        self.switch_button.setText(
            "Use the code from your app instead" if recovery else "Use a recovery code instead"
        )
        self.code_edit.clear()
        self.error_label.hide()
        self._update_enabled()
        self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _edited(self, text: str) -> None:
        if self.recovery:
            return
        digits = code_digits(text)
        if digits != text:
            self.code_edit.setText(digits)  # a paste with spaces or dashes, or a stray letter
        if len(digits) == CODE_DIGITS:
            self.submit()

    def _ready(self) -> bool:
        text = self.code_edit.text().strip()
        return len(text) == CODE_DIGITS if not self.recovery else len(text) >= 10

    def _update_enabled(self) -> None:
        self.verify_button.setEnabled(self._ready() and not self._busy)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.code_edit.setReadOnly(busy)
        self.verify_button.setText("Checking…" if busy else "Verify")
        self._update_enabled()

    def submit(self) -> None:
        if not self._ready() or self._busy:
            return
        self.error_label.hide()
        self.code_submitted.emit(self.code_edit.text().strip(), self.recovery)

    def show_error(self, message: str) -> None:
        """A refused code: said under the field, and the field emptied for the next try."""
        self.error_label.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        if message:
            self.code_edit.clear()
        self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)
