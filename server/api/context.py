"""The running app's AppContext, from inside a request or a WebSocket handler."""

from __future__ import annotations

from flask import Flask, current_app

from server.context import AppContext

EXTENSION = "chatidk"  # app.extensions[EXTENSION]: the AppContext (the tests reach it there too)


def install(app: Flask, context: AppContext) -> None:
    app.extensions[EXTENSION] = context


def ctx() -> AppContext:
    return current_app.extensions[EXTENSION]
