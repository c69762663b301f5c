"""The two apps bench/bare_stack.py serves under gunicorn: nothing but what their names say, so that the
floor measured is the stack's and not this repository's imports."""

from __future__ import annotations

from flask import Flask, request

BODY = b'{"limits":{"messages_per_second":5,"burst":20,"upload_bytes":104857600}}'
PATH = "/api/v1/limits"


def raw_app(environ: dict, start_response) -> list[bytes]:
    """A WSGI app with nothing in it: gunicorn's parser, gevent and the worker's loop alone."""
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


def _flask_app() -> Flask:
    app = Flask("bare_apps")

    @app.get(PATH)
    def limits():
        request.headers.get("Authorization")  # read, as every ChatIDK endpoint does
        return app.response_class(BODY, mimetype="application/json")

    return app


flask_app = _flask_app()
