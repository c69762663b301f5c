"""My account as the server describes it (the Me object): name, visibility, picture, email, last-seen privacy.

Several places bring a new Me (start-up, the account menu, the security dialogs, my other devices through
`user.updated`); they all go through ``apply``, so ``changed`` is the one signal the window and the stored
account follow."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.controller.errors import describe_error
from desktop.net.http import ApiError
from desktop.net.rest_worker import Rest
from desktop.net.transfers import TransferService

log = logging.getLogger(__name__)

PUBLIC_FIELDS = ("username", "display_name", "avatar")  # what a `user.updated` event tells of me


class Profile(QObject):
    """``user``: the current Me. Signals: changed(dict user); last_seen_privacy_changed() — hiding my last
    seen hides theirs from me too, so presence is worth asking for again; notice(str) and error(str) — words
    for the status bar."""

    changed = Signal(dict)
    last_seen_privacy_changed = Signal()
    notice = Signal(str)
    error = Signal(str)

    def __init__(self, user: dict, rest: Rest, transfers: TransferService, parent: QObject | None = None):
        super().__init__(parent)
        self.user = dict(user)
        self.rest = rest
        self.transfers = transfers

    def refresh(self) -> None:
        """GET /me at start-up: the stored copy may be old. Offline, that is not worth words."""

        def failed(error: Exception) -> None:
            if isinstance(error, ApiError):
                self.error.emit(describe_error(error))
            else:
                log.info("could not fetch my profile while offline: %s", error)

        self.rest.call(lambda api: api.me(), self.apply, failed)

    def apply(self, user: dict) -> None:
        """A whole Me from the server."""
        hid_before = self.user.get("hide_last_seen")
        self.user = dict(user)
        self.changed.emit(self.user)
        if "hide_last_seen" in user and hid_before is not None and user["hide_last_seen"] != hid_before:
            self.last_seen_privacy_changed.emit()

    def apply_public(self, user: dict) -> None:
        """My name or picture changed on another device: a User, so the Me-only fields are kept."""
        if user.get("id") == self.user.get("id"):
            self.user.update({key: user[key] for key in PUBLIC_FIELDS if key in user})
            self.changed.emit(self.user)

    def update(self, **fields: object) -> None:
        """PATCH /me (display name, visibility)."""
        self.rest.call(
            lambda api: api.update_me(**fields), self.apply, lambda e: self.error.emit(describe_error(e))
        )

    def set_picture(self, path: Path) -> None:
        """PUT /me/avatar (the server crops it to a square and strips its metadata), on the upload queue."""
        self.notice.emit("Uploading your profile picture…")
        self.transfers.call(
            lambda api: api.set_avatar(path), self._picture_changed, self._picture_failed, queue="uploads"
        )

    def remove_picture(self) -> None:
        self.transfers.call(lambda api: api.remove_avatar(), self._picture_changed, self._picture_failed)

    def _picture_changed(self, user: dict) -> None:
        self.apply(user)
        self.notice.emit("Profile picture updated." if user.get("avatar") else "Profile picture removed.")

    def _picture_failed(self, error: Exception) -> None:
        self.error.emit(f"The profile picture was not changed: {describe_error(error)}")
