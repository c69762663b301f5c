"""The account menu's security and privacy actions: email, password, signed-in devices, last seen, my data.

Each action takes the callbacks of the dialog that asked (``on_done``, ``on_error(str)``), as delete-account
does: the dialog shows the answer, the controller never touches a widget."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.controller.errors import describe_error
from desktop.controller.password_reset import WEAK_PASSWORD, password_problem
from desktop.controller.sign_in import WRONG_CODE, WRONG_RECOVERY_CODE
from desktop.net.export_download import ExportDownload
from desktop.net.http import ApiError, TransferCancelled

ErrorCallback = Callable[[str], None]
NOT_RIGHT_MESSAGE = "That password is not right."


class AccountSecurity(QObject):
    """``rest`` is the signed-in session's (scoped) dispatcher. Signals: profile_changed(dict) — a new Me
    (email set, confirmed or removed, last-seen privacy)."""

    profile_changed = Signal(dict)

    def __init__(self, rest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rest = rest
        self.exports: list[ExportDownload] = []

    def _failed(self, on_error: ErrorCallback, messages: dict[tuple[int, str | None], str] | None = None):
        def failed(error: Exception) -> None:
            if isinstance(error, ApiError):
                for (status, field), text in (messages or {}).items():
                    if error.status == status and (field is None or error.field == field):
                        on_error(text)
                        return
            on_error(describe_error(error))

        return failed

    # email
    def set_email(self, address: str, on_done: Callable[[dict], None], on_error: ErrorCallback) -> None:
        address = address.strip()
        if "@" not in address:
            on_error("Type an email address, like name@example.org.")
            return

        def done(user: dict) -> None:
            self.profile_changed.emit(user)
            on_done(user)

        failed = self._failed(on_error, {(400, "email"): "That does not look like an email address."})
        self.rest.call(lambda api: api.set_email(address), done, failed)

    def confirm_email(self, code: str, on_done: Callable[[dict], None], on_error: ErrorCallback) -> None:
        code = "".join(code.split())

        def done(user: dict) -> None:
            self.profile_changed.emit(user)
            on_done(user)

        failed = self._failed(
            on_error,
            {
                (400, None): "That code is wrong, expired or already used. Send a new one.",
                (409, None): "Another account already confirmed this address.",
            },
        )
        self.rest.call(lambda api: api.confirm_email(code), done, failed)

    def remove_email(self, on_done: Callable[[dict], None], on_error: ErrorCallback) -> None:
        def done(user: dict) -> None:
            self.profile_changed.emit(user)
            on_done(user)

        self.rest.call(lambda api: api.remove_email(), done, self._failed(on_error))

    # password
    def change_password(
        self,
        current: str,
        new: str,
        repeated: str,
        on_done: Callable[[int], None],
        on_error: ErrorCallback,
    ) -> None:
        """``on_done(revoked)``: how many of my other devices were signed out."""
        problem = password_problem(new, repeated)
        if problem:
            on_error(problem)
            return
        failed = self._failed(
            on_error,
            {(401, None): "Your current password is not right.", (400, "new_password"): WEAK_PASSWORD},
        )
        self.rest.call(lambda api: api.change_password(current, new), on_done, failed)

    # two-factor sign-in (docs/protocol.md, "Two-factor sign-in")
    def two_factor_status(self, on_done: Callable[[dict], None], on_error: ErrorCallback) -> None:
        self.rest.call(lambda api: api.two_factor_status(), on_done, self._failed(on_error))

    def start_two_factor(
        self, password: str, on_done: Callable[[dict], None], on_error: ErrorCallback
    ) -> None:
        """``on_done({"secret", "otpauth_uri", …})``: nothing changes at sign-in until a code confirms it."""
        failed = self._failed(
            on_error, {(401, None): NOT_RIGHT_MESSAGE, (409, None): "Two-factor sign-in is already on."}
        )
        self.rest.call(lambda api: api.start_two_factor(password), on_done, failed)

    def enable_two_factor(self, code: str, on_done: Callable[[list], None], on_error: ErrorCallback) -> None:
        """``on_done(recovery_codes)``: two-factor sign-in is on."""
        failed = self._failed(
            on_error,
            {
                (400, None): "That code is not right. Type the code your app shows now.",
                (409, None): "This setup is no longer open. Close this window and start again.",
            },
        )
        self.rest.call(lambda api: api.enable_two_factor("".join(code.split())), on_done, failed)

    def new_recovery_codes(
        self, password: str, on_done: Callable[[list], None], on_error: ErrorCallback
    ) -> None:
        failed = self._failed(
            on_error, {(401, None): NOT_RIGHT_MESSAGE, (409, None): "Two-factor sign-in is off."}
        )
        self.rest.call(lambda api: api.new_recovery_codes(password), on_done, failed)

    def disable_two_factor(
        self, password: str, code: str, recovery: bool, on_done: Callable[[], None], on_error: ErrorCallback
    ) -> None:
        failed = self._failed(
            on_error,
            {
                (401, "password"): NOT_RIGHT_MESSAGE,
                (401, None): WRONG_RECOVERY_CODE if recovery else WRONG_CODE,
                (409, None): "Two-factor sign-in is already off.",
            },
        )
        code = code.strip()
        self.rest.call(
            lambda api: api.disable_two_factor(
                password, code="" if recovery else code, recovery_code=code if recovery else ""
            ),
            lambda _: on_done(),
            failed,
        )

    # devices
    def load_sessions(self, on_done: Callable[[list], None], on_error: ErrorCallback) -> None:
        self.rest.call(lambda api: api.sessions(), on_done, self._failed(on_error))

    def sign_out_device(self, session_id: int, on_done: Callable[[], None], on_error: ErrorCallback) -> None:
        def failed(error: Exception) -> None:
            if isinstance(error, ApiError) and error.status == 404:
                on_done()  # already gone
            else:
                self._failed(on_error)(error)

        self.rest.call(lambda api: api.revoke_session(session_id), lambda _: on_done(), failed)

    def sign_out_other_devices(self, on_done: Callable[[int], None], on_error: ErrorCallback) -> None:
        self.rest.call(lambda api: api.revoke_other_sessions(), on_done, self._failed(on_error))

    # privacy
    def set_hide_last_seen(self, hide: bool, on_error: ErrorCallback) -> None:
        self.rest.call(
            lambda api: api.update_me(hide_last_seen=hide), self.profile_changed.emit, self._failed(on_error)
        )

    # my data
    def export_data(self, destination: Path, on_error: ErrorCallback) -> ExportDownload:
        """Starts at once; the caller follows the returned download's signals (progress, finished, failed)."""
        download = ExportDownload(Path(destination), self)
        self.exports.append(download)

        def failed(error: Exception) -> None:
            if not isinstance(error, TransferCancelled):
                self._failed(on_error)(error)

        download.failed.connect(failed)
        download.finished.connect(lambda *_: self._forget(download))
        download.failed.connect(lambda *_: self._forget(download))
        self.rest.call(lambda api: api.clone(), download.start, lambda error: download.failed.emit(error))
        return download

    def _forget(self, download: ExportDownload) -> None:
        if download in self.exports:
            self.exports.remove(download)

    def shutdown(self, deadline: float | None = None) -> None:
        for download in self.exports:
            download.cancel()
        for download in list(self.exports):
            download.wait(deadline)
        self.exports.clear()
