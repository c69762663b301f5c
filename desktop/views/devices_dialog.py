"""Signed-in devices: name, last used, address, when each expires unused, which one is this; sign out one or
all the others."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.records import parse_time
from desktop.models.time_labels import clock_time, day_label, full_time
from desktop.views.security_dialogs import MessageLine

SESSION_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
CURRENT_ROLE = int(Qt.ItemDataRole.UserRole) + 2


# GET /sessions "second_factor": how the sign-in went beyond the password (docs/protocol.md).
SECOND_FACTORS = {
    None: "password",
    "totp": "password and code",
    "recovery_code": "password and recovery code",
}


def last_used(moment) -> str:
    if moment is None:
        return ""
    day = day_label(moment.astimezone().date())
    return f"{day}, {clock_time(moment)}"


def expires(moment: datetime | None, now: datetime | None = None) -> str:
    """When a session stops working unless used again (the server's idle lifetime), in days."""
    if moment is None:
        return ""
    days = (moment.astimezone().date() - (now or datetime.now().astimezone()).astimezone().date()).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Tomorrow"
    return f"In {days} days"


class DevicesDialog(QDialog):
    """Signals: refresh_requested(), sign_out_requested(int session_id), sign_out_others_requested()."""

    refresh_requested = Signal()
    sign_out_requested = Signal(int)
    sign_out_others_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Signed-in devices")
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Device", "Last used", "Address", "Expires", "Signed in with"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setAccessibleName("Signed-in devices")
        self.tree.headerItem().setToolTip(3, "A device is signed out when it has not been used for this long")
        self.sign_out_button = QPushButton("Sign out selected device", self)
        self.sign_out_others_button = QPushButton("Sign out all other devices", self)
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.sign_out_button)
        row.addStretch(1)
        row.addWidget(self.sign_out_others_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.tree.currentItemChanged.connect(lambda *_: self._update_enabled())
        self.sign_out_button.clicked.connect(self._sign_out)
        self.sign_out_others_button.clicked.connect(self._sign_out_others)
        self._busy = False
        self.sessions: list[dict] = []
        self._update_enabled()
        self.resize(860, 360)

    def set_sessions(self, sessions: list[dict]) -> None:
        self._busy = False
        self.sessions = list(sessions)
        self.tree.clear()
        others = sorted(
            (s for s in sessions if not s.get("current")),
            key=lambda s: s.get("last_used_at") or s.get("created_at") or "",
            reverse=True,
        )
        for session in [s for s in sessions if s.get("current")] + others:
            name = session.get("device_name") or "unknown device"
            if session.get("current"):
                name += " (this device)"
            used = parse_time(session.get("last_used_at") or session.get("created_at"))
            ends = parse_time(session.get("expires_at"))
            address = session.get("client_address") or ""
            factor = SECOND_FACTORS.get(session.get("second_factor"), "password and a second factor")
            item = QTreeWidgetItem([name, last_used(used), address, expires(ends), factor])
            if used is not None:
                item.setToolTip(1, full_time(used))
            if ends is not None:
                item.setToolTip(3, f"Signed out on {full_time(ends)} unless used before")
            item.setData(0, SESSION_ID_ROLE, int(session["id"]))
            item.setData(0, CURRENT_ROLE, bool(session.get("current")))
            if session.get("current"):
                font = QFont(item.font(0))
                font.setBold(True)
                item.setFont(0, font)
            self.tree.addTopLevelItem(item)
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
        second = self.tree.topLevelItem(1)
        if others and second is not None:
            self.tree.setCurrentItem(second)
        self.tree.setFocus()
        self._update_enabled()

    def _selected(self) -> tuple[int | None, bool]:
        item = self.tree.currentItem()
        if item is None:
            return None, False
        return int(item.data(0, SESSION_ID_ROLE)), bool(item.data(0, CURRENT_ROLE))

    def _update_enabled(self) -> None:
        session_id, current = self._selected()
        self.sign_out_button.setEnabled(session_id is not None and not current and not self._busy)
        has_others = any(not s.get("current") for s in self.sessions)
        self.sign_out_others_button.setEnabled(has_others and not self._busy)

    def _sign_out(self) -> None:
        session_id, current = self._selected()
        if session_id is not None and not current:
            self._busy = True
            self._update_enabled()
            self.sign_out_requested.emit(session_id)

    def _sign_out_others(self) -> None:
        self._busy = True
        self._update_enabled()
        self.sign_out_others_requested.emit()

    def show_info(self, text: str) -> None:
        self.message.info(text)

    def show_error(self, text: str) -> None:
        self._busy = False
        self._update_enabled()
        self.message.error(text)
