"""Sign in or create an account: server address, name, password, "keep me signed in", clear errors."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.server_address import sends_in_clear
from desktop.views.icons import app_icon
from desktop.views.palette_colors import error_color

INSECURE_WARNING = (
    "⚠ Not encrypted: this is a plain http:// address on another machine, so your password and messages "
    "can be read by anyone on the network between you and the server. Use the server's https:// address."
)


class LoginWindow(QWidget):
    """Signals: sign_in_requested(url, username, password, keep), register_requested(url, username, password,
    display_name, keep), forgot_password_requested(url, username)."""

    sign_in_requested = Signal(str, str, str, bool)
    register_requested = Signal(str, str, str, str, bool)
    forgot_password_requested = Signal(str, str)

    def __init__(self, server_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ChatIDK — Sign in")
        self.setWindowIcon(app_icon())
        self.registering = False

        self.heading = QLabel("Sign in to ChatIDK", self)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)

        self.server_edit = QLineEdit(server_url, self)
        self.server_edit.setPlaceholderText("http://127.0.0.1:8000")
        self.username_edit = QLineEdit(self)
        self.username_edit.setPlaceholderText("3–32 letters, digits, _ . -")
        self.display_name_edit = QLineEdit(self)
        self.display_name_edit.setPlaceholderText("How others see you (optional)")
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("At least 8 characters")
        self.keep_check = QCheckBox("Keep me signed in", self)
        self.keep_check.setChecked(True)

        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        # A plain http:// address of another machine: say so where the address is typed, before the
        # password goes out readable by anyone on the way.
        self.insecure_warning = QLabel(INSECURE_WARNING, self)
        self.insecure_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.insecure_warning.setWordWrap(True)
        self.insecure_warning.hide()

        self.submit_button = QPushButton("Sign in", self)
        self.submit_button.setDefault(True)
        self.switch_button = QPushButton("Create an account instead", self)
        self.switch_button.setFlat(True)
        self.forgot_button = QPushButton("Forgot password?", self)
        self.forgot_button.setFlat(True)
        self.forgot_button.setAutoDefault(False)

        form = QFormLayout()
        form.addRow("Server", self.server_edit)
        form.addRow("Username", self.username_edit)
        form.addRow("Display name", self.display_name_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.keep_check)
        self._form = form

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.insecure_warning)
        layout.addWidget(self.error_label)
        layout.addWidget(self.submit_button)
        layout.addWidget(self.switch_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignHCenter)

        self.submit_button.clicked.connect(self._submit)
        self.switch_button.clicked.connect(lambda: self.set_registering(not self.registering))
        self.forgot_button.clicked.connect(
            lambda: self.forgot_password_requested.emit(
                self.server_edit.text().strip(), self.username_edit.text().strip()
            )
        )
        for edit in (self.server_edit, self.username_edit, self.display_name_edit, self.password_edit):
            edit.returnPressed.connect(self._submit)
            edit.textChanged.connect(self._update_enabled)
        self.server_edit.textChanged.connect(self._update_insecure_warning)
        self._update_insecure_warning()
        self.set_registering(False)
        self.resize(420, self.sizeHint().height())

    def set_registering(self, registering: bool) -> None:
        self.registering = registering
        self.heading.setText("Create your account" if registering else "Sign in to ChatIDK")
        self.submit_button.setText("Create account" if registering else "Sign in")
        self.switch_button.setText(
            "I already have an account" if registering else "Create an account instead"
        )
        self._form.setRowVisible(self.display_name_edit, registering)
        self.forgot_button.setVisible(not registering)
        self.error_label.hide()
        self._update_enabled()

    def _update_insecure_warning(self) -> None:
        insecure = sends_in_clear(self.server_edit.text())
        if insecure:
            color = error_color(self.palette()).name()
            self.insecure_warning.setStyleSheet(f"color: {color}; border: 1px solid {color}; padding: 6px;")
        self.insecure_warning.setVisible(insecure)

    def _update_enabled(self) -> None:
        ready = all(e.text().strip() for e in (self.server_edit, self.username_edit)) and bool(
            self.password_edit.text()
        )
        self.submit_button.setEnabled(ready and not self._busy)

    _busy = False

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.submit_button.setText(
            "Please wait…" if busy else ("Create account" if self.registering else "Sign in")
        )
        self._update_enabled()

    def show_error(self, message: str) -> None:
        self.error_label.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_notice(self, message: str) -> None:
        """Good news (a password was reset): in the normal text colour, where errors go."""
        self.error_label.setStyleSheet("")
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def reset_for(self, reason: str = "") -> None:
        """Back to the form after signing out: keep server and name, clear the password."""
        self.password_edit.clear()
        self.set_busy(False)
        self.show_error(reason)
        (self.password_edit if self.username_edit.text() else self.username_edit).setFocus()

    def _submit(self) -> None:
        if not self.submit_button.isEnabled():
            return
        self.error_label.hide()
        url = self.server_edit.text().strip()
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        keep = self.keep_check.isChecked()
        if self.registering:
            self.register_requested.emit(url, username, password, self.display_name_edit.text().strip(), keep)
        else:
            self.sign_in_requested.emit(url, username, password, keep)
