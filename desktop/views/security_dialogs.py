"""Account menu dialogs for email and password. They emit what the user asked; the owner answers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.palette_colors import error_color
from desktop.views.quiet_text import make_quiet


def plain_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class MessageLine(QLabel):
    """One line under a form for the last answer: red for errors, normal text for news."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.hide()

    def error(self, text: str) -> None:
        self.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        self.setText(text)
        self.setVisible(bool(text))

    def info(self, text: str) -> None:
        self.setStyleSheet("")
        self.setText(text)
        self.setVisible(bool(text))


def email_status(user: dict) -> str:
    address = user.get("email")
    if not address:
        return "No email address yet. Add one to be able to reset a forgotten password."
    if user.get("email_confirmed"):
        return f"{address} — confirmed. Nobody else sees it."
    return f"{address} — not confirmed yet. Type the code mailed to it."


class EmailDialog(QDialog):
    """Signals: set_requested(str address), confirm_requested(str code), remove_requested()."""

    set_requested = Signal(str)
    confirm_requested = Signal(str)
    remove_requested = Signal()

    def __init__(self, user: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Email address")
        self.status_label = plain_label("", self)
        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText("name@example.org")
        self.address_edit.setAccessibleName("Email address")
        self.send_button = QPushButton("Send code", self)
        self.code_edit = QLineEdit(self)
        self.code_edit.setPlaceholderText("8 digits from the mail")
        self.code_edit.setAccessibleName("Confirmation code")
        self.code_edit.setMaxLength(32)
        self.confirm_button = QPushButton("Confirm", self)
        self.remove_button = QPushButton("Remove address", self)
        self.remove_button.setAutoDefault(False)
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)

        address_row = QHBoxLayout()
        address_row.addWidget(self.address_edit, 1)
        address_row.addWidget(self.send_button)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_edit, 1)
        code_row.addWidget(self.confirm_button)
        form = QFormLayout()
        form.addRow("New address", address_row)
        form.addRow("Code", code_row)
        self._form = form
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(form)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.send_button.clicked.connect(self._send)
        self.address_edit.returnPressed.connect(self._send)
        self.confirm_button.clicked.connect(self._confirm)
        self.code_edit.returnPressed.connect(self._confirm)
        self.remove_button.clicked.connect(self.remove_requested)
        self.address_edit.textChanged.connect(self._update_enabled)
        self.code_edit.textChanged.connect(self._update_enabled)
        self._busy = False
        self.set_user(user)
        self.resize(460, self.sizeHint().height())

    def set_user(self, user: dict) -> None:
        self.user = dict(user)
        self.set_busy(False)
        self.status_label.setText(email_status(user))
        pending = bool(user.get("email")) and not user.get("email_confirmed")
        self._form.setRowVisible(1, pending)
        self.remove_button.setVisible(bool(user.get("email")))
        (self.code_edit if pending else self.address_edit).setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_enabled()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_enabled()

    def _update_enabled(self) -> None:
        self.send_button.setEnabled(bool(self.address_edit.text().strip()) and not self._busy)
        self.confirm_button.setEnabled(bool(self.code_edit.text().strip()) and not self._busy)
        self.remove_button.setEnabled(not self._busy)

    def _send(self) -> None:
        if self.send_button.isEnabled():
            self.message.hide()
            self.set_busy(True)
            self.set_requested.emit(self.address_edit.text().strip())

    def _confirm(self) -> None:
        if self.confirm_button.isEnabled():
            self.message.hide()
            self.set_busy(True)
            self.confirm_requested.emit(self.code_edit.text())

    # answers
    def code_sent(self, user: dict) -> None:
        self.address_edit.clear()
        self.code_edit.clear()
        self.set_user(user)
        self.message.info(f"A code is on its way to {user.get('email')}. It works for 15 minutes.")

    def confirmed(self, user: dict) -> None:
        self.code_edit.clear()
        self.set_user(user)
        self.message.info("Your email address is confirmed.")

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.message.error(text)


class ChangePasswordDialog(QDialog):
    """Signals: change_requested(str current, str new, str repeated). Stays open to show the answer."""

    change_requested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change password")
        self.current_edit = QLineEdit(self)
        self.new_edit = QLineEdit(self)
        self.new_edit.setPlaceholderText("At least 8 characters")
        self.repeat_edit = QLineEdit(self)
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.returnPressed.connect(self._change)
            edit.textChanged.connect(self._update_enabled)
        form = QFormLayout()
        form.addRow("Current password", self.current_edit)
        form.addRow("New password", self.new_edit)
        form.addRow("Repeat it", self.repeat_edit)
        note = plain_label("Your other signed-in devices will be signed out.", self)
        make_quiet(note)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.change_button = self.buttons.addButton("Change password", QDialogButtonBox.ButtonRole.ActionRole)
        self.change_button.setDefault(True)
        self.change_button.clicked.connect(self._change)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._busy = False
        self._update_enabled()
        self.resize(420, self.sizeHint().height())

    def _update_enabled(self) -> None:
        filled = all(e.text() for e in (self.current_edit, self.new_edit, self.repeat_edit))
        self.change_button.setEnabled(filled and not self._busy)

    def _change(self) -> None:
        if not self.change_button.isEnabled():
            return
        self._busy = True
        self._update_enabled()
        self.message.hide()
        self.change_requested.emit(self.current_edit.text(), self.new_edit.text(), self.repeat_edit.text())

    def show_error(self, text: str) -> None:
        self._busy = False
        self._update_enabled()
        self.message.error(text)

    def show_done(self, revoked: int) -> None:
        """Changed: say how many other devices were signed out; Close is all that is left to do."""
        for edit in (self.current_edit, self.new_edit, self.repeat_edit):
            edit.clear()
            edit.setEnabled(False)
        self.change_button.hide()
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        devices = (
            "no other device was"
            if revoked == 0
            else ("1 other device was" if revoked == 1 else f"{revoked} other devices were")
        )
        self.message.info(f"Your password was changed; {devices} signed out.")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setFocus()
