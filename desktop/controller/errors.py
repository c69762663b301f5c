"""Words for the user when a server call fails: short, specific, and saying what to do next."""

from __future__ import annotations

from desktop.net.http import ApiError, CertificateNotTrusted, ServerUnreachable, SessionRefused, WrongPassword
from desktop.net.tls import CA_BUNDLE_ENV

SESSION_ENDED = "Your session has ended. Please sign in again."


def wait_phrase(seconds: int | None) -> str:
    if not seconds:
        return "a little while"
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def describe_error(error: Exception, *, server_url: str = "", signing_in: bool = False) -> str:
    if isinstance(error, CertificateNotTrusted):
        where = f" at {server_url}" if server_url else ""
        reason = f" ({error})" if str(error) else ""
        return (
            f"The server{where} presented a certificate this computer does not trust{reason}. If the "
            f"server uses a private CA or a self-signed certificate, set {CA_BUNDLE_ENV} to its PEM file "
            "and restart."
        )
    if isinstance(error, ServerUnreachable):
        where = f" at {server_url}" if server_url else ""
        return f"Can't reach the server{where}. Check the address and that the server is running."
    if isinstance(error, ApiError):
        if error.status == 429:
            return f"Too many attempts. Try again in {wait_phrase(error.retry_after)}."
        if isinstance(error, WrongPassword):
            return "Wrong username or password." if signing_in else "That password is not right."
        if isinstance(error, SessionRefused):
            return SESSION_ENDED
        if error.status == 409 and error.code == "conflict" and signing_in:
            return "That username is taken. Pick another one."
        if error.status >= 500:
            return "The server had a problem. Try again in a moment."
        return error.message[:1].upper() + error.message[1:] if error.message else "The server refused that."
    return f"Something went wrong: {error}"
