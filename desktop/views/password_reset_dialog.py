"""Forgot password: the username or email, then the mailed code and a new password. Emits, never calls."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.views.palette_colors import error_color

ASK, CONFIRM = 0, 1


def _plain_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class PasswordResetDialog(QDialog):
    """Signals: code_requested(str login), reset_requested(str login, str code, str new_password,
    str repeated).

    The owner answers with ``show_code_page()``, ``show_error(message, field)`` or ``accept()``."""

    code_requested = Signal(str)
    reset_requested = Signal(str, str, str, str)

    def __init__(self, login: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reset your password")
        self.setModal(True)
        self.pages = QStackedWidget(self)

        ask = QWidget(self)
        self.login_edit = QLineEdit(login, ask)
        self.login_edit.setPlaceholderText("Username or email address")
        self.login_edit.setAccessibleName("Username or email address")
        self.send_button = QPushButton("Send code", ask)
        ask_layout = QVBoxLayout(ask)
        ask_layout.setContentsMargins(0, 0, 0, 0)
        ask_layout.addWidget(
            _plain_label(
                "Type your username or the email address you confirmed in ChatIDK. If the account has a "
                "confirmed address, a reset code is mailed to it.",
                ask,
            )
        )
        ask_layout.addWidget(self.login_edit)
        ask_layout.addStretch(1)

        confirm = QWidget(self)
        self.sent_label = _plain_label("", confirm)
        self.code_edit = QLineEdit(confirm)
        self.code_edit.setPlaceholderText("8 digits")
        self.code_edit.setMaxLength(32)
        self.code_edit.setAccessibleName("Code from the mail")
        self.new_password_edit = QLineEdit(confirm)
        self.new_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password_edit.setPlaceholderText("At least 8 characters")
        self.repeat_edit = QLineEdit(confirm)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Code", self.code_edit)
        form.addRow("New password", self.new_password_edit)
        form.addRow("Repeat it", self.repeat_edit)
        self.resend_button = QPushButton("Send a new code", confirm)
        self.resend_button.setAutoDefault(False)
        self.reset_button = QPushButton("Set new password", confirm)
        confirm_layout = QVBoxLayout(confirm)
        confirm_layout.setContentsMargins(0, 0, 0, 0)
        confirm_layout.addWidget(self.sent_label)
        confirm_layout.addLayout(form)
        confirm_layout.addWidget(self.resend_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.pages.addWidget(ask)
        self.pages.addWidget(confirm)

        self.error_label = _plain_label("", self)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.reset_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.send_button.clicked.connect(self._send)
        self.resend_button.clicked.connect(self._send)
        self.reset_button.clicked.connect(self._reset)
        self.login_edit.returnPressed.connect(self._send)
        for edit in (self.code_edit, self.new_password_edit, self.repeat_edit):
            edit.returnPressed.connect(self._reset)
            edit.textChanged.connect(self._update_enabled)
        self.login_edit.textChanged.connect(self._update_enabled)
        self._busy = False
        self._show_page(ASK)
        self.resize(440, self.sizeHint().height())

    @property
    def login(self) -> str:
        return self.login_edit.text().strip()

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.send_button.setVisible(page == ASK)
        self.reset_button.setVisible(page == CONFIRM)
        self.send_button.setDefault(page == ASK)
        self.reset_button.setDefault(page == CONFIRM)
        (self.login_edit if page == ASK else self.code_edit).setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_enabled()

    def _update_enabled(self) -> None:
        self.send_button.setEnabled(bool(self.login) and not self._busy)
        self.resend_button.setEnabled(not self._busy)
        self.reset_button.setEnabled(
            bool(self.code_edit.text().strip()) and bool(self.new_password_edit.text()) and not self._busy
        )

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_enabled()

    def _send(self) -> None:
        if not self.login or self._busy:
            return
        self.error_label.hide()
        self.set_busy(True)
        self.code_requested.emit(self.login)

    def _reset(self) -> None:
        if not self.reset_button.isEnabled():
            return
        self.error_label.hide()
        self.set_busy(True)
        self.reset_requested.emit(
            self.login, self.code_edit.text(), self.new_password_edit.text(), self.repeat_edit.text()
        )

    # answers from the owner
    def show_code_page(self) -> None:
        self.set_busy(False)
        self.sent_label.setText(
            f"If “{self.login}” has a confirmed email address, a code is on its way. It works once, for "
            "15 minutes. Type it here with your new password."
        )
        self.code_edit.clear()
        self._show_page(CONFIRM)

    def show_error(self, message: str, field: str = "") -> None:
        self.set_busy(False)
        self.error_label.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        self.error_label.setText(message)
        self.error_label.show()
        target = {
            "login": self.login_edit,
            "code": self.code_edit,
            "new_password": self.new_password_edit,
            "repeat": self.repeat_edit,
        }.get(field)
        if field == "login":
            self._show_page(ASK)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            target.selectAll()
