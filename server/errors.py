"""One exception per client error, and the handlers that turn every failure into the JSON error shape."""

from __future__ import annotations

import logging
from typing import ClassVar

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from server.db import DatabaseUnavailable

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A client error: its HTTP status and code are declared by each subclass, ``class X(ApiError,
    status=…, code=…)``; the message says what to change."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None) -> None:
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code

    def __init__(self, message: str, *, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers or {}

    def body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


class BadJson(ApiError, code="bad_json"): ...


class InvalidField(ApiError, code="invalid_field"): ...


class Unauthorized(ApiError, status=401, code="unauthorized"): ...


UNAUTHORIZED = "missing, unknown or revoked token"  # what a bearer token that does not work is told


class ChallengeExpired(ApiError, status=401, code="challenge_expired"): ...  # sign in with the password again


class Forbidden(ApiError, status=403, code="forbidden"): ...


class NotFound(ApiError, status=404, code="not_found"): ...


class RequestTimeout(ApiError, status=408, code="request_timeout"): ...  # a body too slow (body_timeout.py)


class Conflict(ApiError, status=409, code="conflict"): ...


class PayloadTooLarge(ApiError, status=413, code="payload_too_large"): ...


class QuotaExceeded(ApiError, status=413, code="quota_exceeded"): ...


class UnsupportedMediaType(ApiError, status=415, code="unsupported_media_type"): ...


class TooManyRequests(ApiError, status=429, code="too_many_requests"):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after

    def body(self) -> dict:
        body = super().body()
        body["error"]["retry_after"] = self.retry_after
        return body


# The code of an HTTP error raised by Flask or werkzeug themselves: the code of our own error of that status.
_HTTP_CODES = {
    error.status: error.code
    for error in (ApiError, Unauthorized, NotFound, PayloadTooLarge, UnsupportedMediaType, TooManyRequests)
} | {405: "method_not_allowed"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        response = jsonify(exc.body())
        response.status_code = exc.status
        response.headers.update(exc.headers)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        message = {
            404: "no such resource",
            405: "method not allowed here",
            413: "the request body is too large",
        }.get(status, exc.description or exc.name)
        headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
        return error_response(status, code, message, headers)

    @app.errorhandler(DatabaseUnavailable)
    def database_unavailable(exc: DatabaseUnavailable):
        log.error("database unavailable: %s", exc)
        return error_response(
            503, "service_unavailable", "the database is unavailable; try again shortly", {"Retry-After": "1"}
        )

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal server error")
