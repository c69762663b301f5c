"""One structured line per request (method, path, status, duration, client), never a token or a body."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("server.access")


def install(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("request_started", None)
        if started is not None:
            # The path only: query strings may carry search terms, and no header is ever logged.
            log.info(
                "request method=%s path=%s status=%s ms=%.1f client=%s user=%s",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
                request.remote_addr,
                g.get("user_id", "-"),
            )
        return response
