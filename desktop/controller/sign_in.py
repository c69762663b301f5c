"""Signing in: the password step, registration, the two-factor code step. The app keeps the account it
yields (its token, its dispatcher); signing out of one is the app's (desktop/app.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.controller.errors import describe_error, wait_phrase
from desktop.domain.account import Account
from desktop.domain.server_address import normalize_server_url
from desktop.net.api import ApiClient
from desktop.net.http import ApiError
from desktop.net.rest_worker import RestDispatcher

RestFactory = Callable[[str], RestDispatcher]
CHALLENGE_EXPIRED = "The sign-in waited too long for a code. Type your password again."
WRONG_CODE = "That code is not right, or it was already used. Type the code your app shows now."
WRONG_RECOVERY_CODE = "That recovery code is not right, or it was already used."


def default_rest_factory(server_url: str) -> RestDispatcher:
    return RestDispatcher(ApiClient(server_url))


class SignInController(QObject):
    """Signals: signed_in(Account), sign_in_failed(str), busy_changed(bool), second_factor_required(dict:
    the challenge answer), code_failed(str message, bool back to the password step). After signed_in,
    ``take_rest()`` hands over the dispatcher carrying the new token; the next sign-in makes another."""

    signed_in = Signal(object)
    sign_in_failed = Signal(str)
    second_factor_required = Signal(dict)
    code_failed = Signal(str, bool)
    busy_changed = Signal(bool)

    def __init__(self, rest_factory: RestFactory = default_rest_factory) -> None:
        super().__init__()
        self.rest_factory = rest_factory
        self.rest: RestDispatcher | None = None
        self._server_url: str | None = None
        # The open two-factor challenge: (server_url, challenge, keep), between the two sign-in steps.
        self._challenge: tuple[str, str, bool] | None = None

    def _dispatcher_for(self, server_url: str, token: str | None = None) -> RestDispatcher:
        if self.rest is not None and self._server_url == server_url:
            rest = self.rest
        else:
            self.close_rest()
            rest = self.rest = self.rest_factory(server_url)
            self._server_url = server_url
        if token is not None:
            rest.call(lambda api: setattr(api, "token", token))
        return rest

    def rest_for(self, server_url: str) -> RestDispatcher:
        """The dispatcher for calls made before signing in (password reset)."""
        return self._dispatcher_for(normalize_server_url(server_url))

    def close_rest(self, deadline: float | None = None) -> None:
        """Calls already asked for (a sign-out's logout) still go out until ``deadline``; answers do not
        come back."""
        if self.rest is not None:
            self.rest.shutdown(deadline, finish_queued=True)
        self.rest = None
        self._server_url = None

    def take_rest(self) -> RestDispatcher | None:
        """The dispatcher of the sign-in that just ended, now the account's own (its token set)."""
        rest, self.rest, self._server_url = self.rest, None, None
        return rest

    def sign_in(self, server_url: str, username: str, password: str, *, keep: bool) -> None:
        server_url = normalize_server_url(server_url)
        rest = self._dispatcher_for(server_url)
        self.busy_changed.emit(True)
        rest.call(
            lambda api: api.login(username, password),
            lambda answer: self._finish_sign_in(server_url, answer, keep),
            lambda error: self._fail(error, server_url),
        )

    def register(
        self, server_url: str, username: str, password: str, display_name: str, *, keep: bool
    ) -> None:
        server_url = normalize_server_url(server_url)
        rest = self._dispatcher_for(server_url)
        self.busy_changed.emit(True)

        def register_then_login(api: ApiClient) -> dict:
            api.register(username, password, display_name or None)
            return api.login(username, password)

        rest.call(
            register_then_login,
            lambda answer: self._finish_sign_in(server_url, answer, keep),
            lambda error: self._fail(error, server_url),
        )

    def submit_code(self, code: str, *, recovery: bool) -> None:
        """The code step: a six-digit code (spaces ignored by the server) or a recovery code."""
        if self._challenge is None:
            self.code_failed.emit(CHALLENGE_EXPIRED, True)
            return
        server_url, challenge, keep = self._challenge
        rest = self._dispatcher_for(server_url)
        code = code.strip()
        self.busy_changed.emit(True)
        rest.call(
            lambda api: api.login_second_factor(
                challenge, code="" if recovery else code, recovery_code=code if recovery else ""
            ),
            lambda answer: self._finish_sign_in(server_url, answer, keep),
            lambda error: self._code_refused(error, server_url, recovery),
        )

    def cancel_second_factor(self) -> None:
        """Back to the password step: the challenge is dropped here (it dies on the server by itself)."""
        self._challenge = None

    def _code_refused(self, error: Exception, server_url: str, recovery: bool) -> None:
        self.busy_changed.emit(False)
        if isinstance(error, ApiError) and error.status == 401 and error.code == "challenge_expired":
            self._challenge = None
            self.code_failed.emit(CHALLENGE_EXPIRED, True)
        elif isinstance(error, ApiError) and error.status == 401:
            self.code_failed.emit(WRONG_RECOVERY_CODE if recovery else WRONG_CODE, False)
        elif isinstance(error, ApiError) and error.status == 429:
            self.code_failed.emit(
                f"Too many wrong codes. Try again in {wait_phrase(error.retry_after)}.", False
            )
        else:
            self.code_failed.emit(describe_error(error, server_url=server_url), False)

    def _finish_sign_in(self, server_url: str, answer: dict, keep: bool) -> None:
        self.busy_changed.emit(False)
        if answer.get("two_factor_required"):
            self._challenge = (server_url, str(answer["challenge"]), keep)
            self.second_factor_required.emit(answer)
            return
        self._challenge = None
        self.signed_in.emit(Account(server_url, answer["token"], answer["user"], remembered=keep))

    def _fail(self, error: Exception, server_url: str) -> None:
        self.busy_changed.emit(False)
        self.sign_in_failed.emit(describe_error(error, server_url=server_url, signing_in=True))
