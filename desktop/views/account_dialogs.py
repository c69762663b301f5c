"""Account dialogs: change display name, and delete the account after confirming with the password."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QInputDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.views.palette_colors import error_color


def ask_display_name(parent: QWidget, current: str) -> str | None:
    name, ok = QInputDialog.getText(
        parent, "Display name", "How others see you:", QLineEdit.EchoMode.Normal, current
    )
    name = name.strip()
    return name if ok and name and name != current else None


class DeleteAccountDialog(QDialog):
    """Signals: confirmed(str password). Stays open to show a wrong-password error."""

    confirmed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Delete account")
        explanation = QLabel(
            "This deletes your account for good: you are signed out everywhere, your profile is erased, "
            "your messages become “deleted” and you leave every group.\n\nType your password to confirm.",
            self,
        )
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.delete_button = self.buttons.addButton(
            "Delete my account", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.delete_button.setEnabled(False)
        self.password_edit.textChanged.connect(lambda text: self.delete_button.setEnabled(bool(text)))
        self.delete_button.clicked.connect(lambda: self.confirmed.emit(self.password_edit.text()))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.password_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(420, self.sizeHint().height())

    def show_error(self, message: str) -> None:
        self.error_label.setStyleSheet(f"color: {error_color(self.palette()).name()}")
        self.error_label.setText(message)
        self.error_label.show()
        self.password_edit.selectAll()
        self.password_edit.setFocus()
