"""Forgot password: ask for a mailed code, then set a new password with it (docs/protocol.md, "Account
safety"). Runs before anyone is signed in, on the sign-in window's dispatcher."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.controller.errors import describe_error
from desktop.domain.server_address import normalize_server_url
from desktop.net.http import ApiError
from desktop.net.rest_worker import Rest

MIN_PASSWORD = 8
BAD_CODE = "That code is wrong, expired or already used. Check the mail, or ask for a new code."
WEAK_PASSWORD = f"Choose a password of at least {MIN_PASSWORD} characters."


def password_problem(password: str, repeated: str) -> str:
    """What is wrong with a new password before asking the server, or "" (the server has the last word)."""
    if len(password) < MIN_PASSWORD:
        return WEAK_PASSWORD
    if password != repeated:
        return "The two passwords are not the same."
    return ""


class PasswordResetController(QObject):
    """``rest_for(server_url)`` gives the dispatcher to use (the session controller's).

    Signals: code_sent() — the server took the request (it answers the same whether or not the account
    exists); reset_done(str login); failed(str message, str field) — field "login", "code", "new_password",
    "repeat", or "" for the server or the network."""

    code_sent = Signal()
    reset_done = Signal(str)
    failed = Signal(str, str)

    def __init__(self, rest_for: Callable[[str], Rest], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rest_for = rest_for

    def request_code(self, server_url: str, login: str) -> None:
        login = login.strip()
        if not login:
            self.failed.emit("Type your username or email address.", "login")
            return
        server_url = normalize_server_url(server_url)
        self.rest_for(server_url).call(
            lambda api: api.request_password_reset(login),
            lambda _: self.code_sent.emit(),
            lambda error: self._fail(error, server_url),
        )

    def confirm(self, server_url: str, login: str, code: str, new_password: str, repeated: str) -> None:
        login, code = login.strip(), "".join(code.split())
        if not code:
            self.failed.emit("Type the code from the mail.", "code")
            return
        problem = password_problem(new_password, repeated)
        if problem:
            self.failed.emit(problem, "new_password" if problem == WEAK_PASSWORD else "repeat")
            return
        server_url = normalize_server_url(server_url)
        self.rest_for(server_url).call(
            lambda api: api.confirm_password_reset(login, code, new_password),
            lambda _: self.reset_done.emit(login),
            lambda error: self._fail(error, server_url),
        )

    def _fail(self, error: Exception, server_url: str) -> None:
        if isinstance(error, ApiError) and error.status == 400:
            if error.field == "code":
                self.failed.emit(BAD_CODE, "code")
                return
            if error.field == "new_password":
                self.failed.emit(WEAK_PASSWORD, "new_password")
                return
            if error.field == "login":
                self.failed.emit("That does not look like a username or email address.", "login")
                return
        self.failed.emit(describe_error(error, server_url=server_url), "")
