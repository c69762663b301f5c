"""The question asked before a received file is handed to the system's app (its name shown as plain text)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

OPEN_WARNING = "Only open files you expect: a file from someone else can harm your computer."


def open_file_box(parent: QWidget | None, name: str) -> QMessageBox:
    """The box, not yet shown: the sender's file name is plain text, never markup."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Open file", "", QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(f"Open “{name}” with the system's app?\n\n{OPEN_WARNING}")
    box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Cancel))
    return box


def confirm_open(parent: QWidget | None, name: str) -> bool:
    box = open_file_box(parent, name)
    box.exec()
    return box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole
