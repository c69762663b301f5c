"""Health check, the OpenAPI document and the limits a client checks before sending."""

from __future__ import annotations

import functools

from flask import Blueprint, jsonify

from server.api import schemas as s
from server.api.context import ctx
from server.api.openapi import build_document
from server.api.routing import blueprint, endpoint
from server.db import DatabaseUnavailable
from server.files import MAX_ATTACHMENTS
from server.limits import MAX_GROUP_MEMBERS, MAX_MESSAGE_CHARS

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


@endpoint(
    bp,
    "/limits",
    "GET",
    summary="The limits this server enforces, for a client to check before it sends or uploads",
    tag="meta",
    responses={200: s.Limits},
    errors=(401,),
)
def limits():
    config = ctx().config
    return s.Limits(
        max_message_chars=MAX_MESSAGE_CHARS,
        max_upload_bytes=config.max_upload_bytes,
        max_files_per_message=MAX_ATTACHMENTS,
        user_quota_bytes=config.user_quota_bytes,
        max_group_members=MAX_GROUP_MEMBERS,
        send_burst=config.send_burst,
        send_rate=config.send_rate,
    ).model_dump()
