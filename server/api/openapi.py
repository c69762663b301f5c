"""The OpenAPI 3.1 document, built from the registered routes and their pydantic models."""

from __future__ import annotations

import re

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from server.api import schemas as s
from server.api.routing import ENDPOINTS, Endpoint
from server.version import __version__

# Bodies validated by one permissive model but documented as the precise alternatives.
_DOCUMENTED_AS: dict[type[BaseModel], list[type[BaseModel]]] = {
    s.CreateConversation: [s.CreateDirect, s.CreateGroup],
}
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    101: "Switching to the WebSocket protocol",
    400: "Bad JSON or an invalid field",
    401: "No, unknown or revoked token; a wrong password or code; or an expired sign-in challenge",
    403: "Not allowed for this member",
    404: "No such thing, or not visible to the caller",
    409: "Conflicts with the current state",
    206: "Partial content (a Range request)",
    413: "Too large, or over the storage quota",
    415: "Not a supported image",
    416: "Range not satisfiable",
    429: "Throttled (an abuse limit, README 'Configuration'); see Retry-After and error.retry_after",
}


# Path parameters that are not integer ids.
_ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
_PATH_PARAMETER_SCHEMAS = {
    "file_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
    "emoji": {"type": "string", "maxLength": 64, "description": "one fully-qualified emoji, URL-encoded"},
}
# Operations whose request body or successful answer is bytes rather than JSON (files, pictures).
_BINARY_BODIES = {("/api/v1/files", "post"), ("/api/v1/me/avatar", "put")}
_BINARY_ANSWERS = {
    "/api/v1/files/{file_id}",
    "/api/v1/files/{file_id}/thumbnail",
    "/api/v1/users/{user_id}/avatar",
}
_BYTES = {
    "application/octet-stream": {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}
}


# What any route may answer besides its own statuses: 405 for a wrong method, 408 for a request body that
# arrived too slowly (CHATIDK_BODY_TIMEOUT), 500 for a fault, 503 while the database is unreachable. Always
# the error shape.
_ANY_OTHER_ERROR = {
    "description": "Any other error (405, 408 body too slow, 500, 503), in the error shape",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _body_schema(model: type[BaseModel]) -> dict:
    alternatives = _DOCUMENTED_AS.get(model)
    if alternatives:
        return {"oneOf": [_ref(m) for m in alternatives]}
    return _ref(model)


def _all_models() -> list[type[BaseModel]]:
    models: set[type[BaseModel]] = {s.Error}
    for ep in ENDPOINTS:
        if ep.body is not None:
            models.update(_DOCUMENTED_AS.get(ep.body, [ep.body]))
        models.update(m for m in ep.responses.values() if m is not None)
    return sorted(models, key=lambda m: m.__name__)


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    return [
        {"name": name, "in": "query", "required": name in required, "schema": prop}
        for name, prop in schema["properties"].items()
    ]


def _parameters(ep: Endpoint, path: str) -> list[dict]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": _PATH_PARAMETER_SCHEMAS.get(
                name, {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
            ),
        }
        for name in re.findall(r"{(\w+)}", path)
    ]
    if ep.query is not None:
        parameters += _query_parameters(ep.query)
    return parameters


def _operation(ep: Endpoint, path: str) -> dict:
    """One route's operation: parameters, body, its own answers, its errors, and any other error."""
    operation: dict = {
        "summary": ep.summary,
        "tags": [ep.tag],
        "operationId": f"{ep.method}_{re.sub(r'[^a-z0-9]+', '_', path.lower()).strip('_')}",
        "responses": {},
    }
    parameters = _parameters(ep, path)
    if parameters:
        operation["parameters"] = parameters
    if ep.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _body_schema(ep.body)}},
        }
    if (path, ep.method) in _BINARY_BODIES:
        operation["requestBody"] = {"required": True, "content": _BYTES}
    if not ep.auth:
        operation["security"] = []
    for status, model in ep.responses.items():
        response: dict = {"description": _STATUS_TEXT.get(status, "")}
        if model is not None:
            response["content"] = {"application/json": {"schema": _ref(model)}}
        elif path in _BINARY_ANSWERS and status in (200, 206):
            response["content"] = _BYTES
        operation["responses"][str(status)] = response
    # Every JSON body is capped at 1 MiB, whatever the route lists itself.
    errors = (*ep.errors, 413) if ep.body is not None else ep.errors
    for status in errors:
        operation["responses"][str(status)] = {
            "description": _STATUS_TEXT[status],
            "content": {"application/json": {"schema": _ref(s.Error)}},
        }
    operation["responses"]["default"] = _ANY_OTHER_ERROR
    return operation


def _meta_paths() -> dict[str, dict]:
    """The two routes outside the declared endpoints (server/api/meta.py)."""
    return {
        "/healthz": {
            "get": {
                "summary": "Liveness and database reachability",
                "operationId": "get_healthz",
                "tags": ["meta"],
                "security": [],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": _ref(s.Health)}}},
                    "503": {
                        "description": "Database unavailable",
                        "content": {"application/json": {"schema": _ref(s.Health)}},
                    },
                    "default": _ANY_OTHER_ERROR,
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "operationId": "get_openapi",
                "tags": ["meta"],
                "security": [],
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
                    "default": _ANY_OTHER_ERROR,
                },
            }
        },
    }


def build_document() -> dict:
    _, definitions = models_json_schema(
        [(m, "validation") for m in _all_models()], ref_template="#/components/schemas/{model}"
    )
    paths: dict[str, dict] = {}
    for ep in ENDPOINTS:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", ep.path)
        paths.setdefault(path, {})[ep.method] = _operation(ep, path)
    paths.update(_meta_paths())
    schemas = dict(definitions.get("$defs", {}))
    schemas["Health"] = s.Health.model_json_schema()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ChatIDK",
            "version": __version__,
            "description": (
                "REST half of the ChatIDK protocol; the rules and the WebSocket are in docs/protocol.md."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
