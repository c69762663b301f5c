"""Help → About: the app's name, icon and version, and what it runs on (for bug reports)."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.resources import is_frozen
from desktop.version import __version__
from desktop.views.icons import app_icon


def build_details(server_url: str = "") -> str:
    """Plain text a user can copy into a bug report."""
    lines = [
        f"Version {__version__} ({'installed build' if is_frozen() else 'running from source'})",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}, Python {platform.python_version()}",
        f"{platform.system()} {platform.release()} ({platform.machine()})",
    ]
    if server_url:
        lines.append(f"Server: {server_url}")
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, server_url: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About ChatIDK")
        self.setWindowIcon(app_icon())

        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(72, 72))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.title_label = QLabel(f"ChatIDK {__version__}", self)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        tagline = QLabel("Private chat for your group, on your own server.", self)

        self.details_label = QLabel(build_details(server_url), self)
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(self.title_label)
        text.addWidget(tagline)
        text.addSpacing(6)
        text.addWidget(self.details_label)
        text.addStretch(1)

        top = QHBoxLayout()
        top.setSpacing(18)
        top.addWidget(icon)
        top.addLayout(text, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addLayout(top)
        layout.addWidget(buttons)
