"""Add account: the sign-in form (server, name, password, and the code step with two-factor sign-in on) in a
dialog over the app window, so the accounts already signed in stay as they are behind it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from desktop.views.login_window import LoginWindow


class AddAccountDialog(QDialog):
    def __init__(self, server_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add account")
        self.form = LoginWindow(server_url, self)
        self.form.heading.setText("Add an account")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)

    def show_error(self, message: str) -> None:
        self.form.show_error(message)
