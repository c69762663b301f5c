"""Health check and the OpenAPI document."""

from __future__ import annotations

import functools

from flask import Blueprint, jsonify

from server.api.context import ctx
from server.api.openapi import build_document
from server.api.routing import blueprint
from server.db import DatabaseUnavailable

health = Blueprint("health", __name__)
bp = blueprint("meta", __name__)


@health.get("/healthz")
def healthz():
    try:
        ctx().db.ping()
    except DatabaseUnavailable:
        return jsonify({"status": "degraded", "database": "unavailable"}), 503
    return jsonify({"status": "ok", "database": "ok"})


@functools.cache
def _document() -> dict:
    return build_document()


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(_document())
