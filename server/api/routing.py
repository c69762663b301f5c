"""The one way to declare a REST route: it authenticates, validates, and records itself for OpenAPI."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint, g, request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from werkzeug.routing import BaseConverter
from werkzeug.routing import ValidationError as RouteMismatch

from server.api.context import ctx
from server.errors import UNAUTHORIZED, BadJson, InvalidField, Unauthorized
from server.services import accounts, tokens

PREFIX = "/api/v1"


def blueprint(name: str, import_name: str) -> Blueprint:
    """A route module's blueprint, under the API's prefix."""
    return Blueprint(name, import_name, url_prefix=PREFIX)


class IdConverter(BaseConverter):
    """Path ids: positive 64-bit integers; anything else simply matches no route (404)."""

    regex = r"[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > 2**63 - 1:
            raise RouteMismatch()
        return number

    def to_url(self, value: int) -> str:
        return str(value)


@dataclass
class Endpoint:
    path: str
    method: str
    summary: str
    tag: str
    auth: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | None] = field(default_factory=dict)
    errors: tuple[int, ...] = ()


ENDPOINTS: list[Endpoint] = []


def _characters(count: object) -> str:
    return f"{count} character" + ("" if count == 1 else "s")


# pydantic's own wording ("String should have at least 8 characters") replaced by ours, with the limit.
_HUMAN_MESSAGES = {
    "missing": lambda ctx: "is required",
    "extra_forbidden": lambda ctx: "is not a known field",
    "string_too_short": lambda ctx: f"must be at least {_characters(ctx.get('min_length'))}",
    "string_too_long": lambda ctx: f"must be at most {_characters(ctx.get('max_length'))}",
    "string_type": lambda ctx: "must be a string",
    "int_type": lambda ctx: "must be an integer",
    "bool_type": lambda ctx: "must be true or false",
    "list_type": lambda ctx: "must be a list",
    "too_short": lambda ctx: f"must have at least {ctx.get('min_length')} item(s)",
    "too_long": lambda ctx: f"must have at most {ctx.get('max_length')} item(s)",
    "greater_than_equal": lambda ctx: f"must be at least {ctx.get('ge')}",
    "less_than_equal": lambda ctx: f"must be at most {ctx.get('le')}",
}


def describe_error(err: ErrorDetails) -> tuple[str, str | None]:
    """``"field: what is wrong"`` in words people read (docs/protocol.md, "Errors"), and the field."""
    location = ".".join(str(part) for part in err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    human = _HUMAN_MESSAGES.get(err["type"])
    if human is not None:
        message = human(err.get("ctx") or {})
    return (f"{location}: {message}" if location else message), (location or None)


def parse_body(model: type[BaseModel]) -> BaseModel:
    raw = request.get_data(cache=False)
    try:
        return model.model_validate_json(raw or b"", strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] in ("json_invalid", "json_type") or (
            first["type"] == "model_type" and not first["loc"]
        ):
            raise BadJson("the body must be a JSON object") from None
        message, location = describe_error(first)
        raise InvalidField(message, field=location) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(request.args.to_dict())
    except ValidationError as exc:
        message, location = describe_error(exc.errors()[0])
        raise InvalidField(message, field=location) from None


def _bearer_token_hash() -> bytes:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 256:
        raise Unauthorized(UNAUTHORIZED)
    return tokens.token_hash(token)


def authenticate_request() -> None:
    """Put the caller's user_id and session_id on ``g``, or answer 401."""
    session = accounts.authenticate_hash(ctx(), _bearer_token_hash())
    g.user_id = session["user_id"]
    g.session_id = session["session_id"]


def authenticate_with_service() -> None:
    """For a route whose service authenticates the token in its own first query (a send, in its pre-check):
    ``g.user_id`` and ``g.session_id`` when this process vouched for the token lately, else both None, and
    ``g.token_hash`` for the service. 401 at once only for a token that is malformed or missing."""
    g.token_hash = _bearer_token_hash()
    session = accounts.cached_session(ctx(), g.token_hash)
    g.user_id = None if session is None else session["user_id"]
    g.session_id = None if session is None else session["session_id"]


def endpoint(
    bp: Blueprint,
    rule: str,
    method: str,
    *,
    summary: str,
    tag: str,
    responses: dict[int, type[BaseModel] | None],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    auth: bool = True,
    auth_in_service: bool = False,
    errors: tuple[int, ...] = (),
) -> Callable:
    """Register ``fn`` as ``method rule``; it receives path ids, ``body=`` and ``query=`` already checked.

    ``auth_in_service``: the route passes ``g.token_hash`` to a service that authenticates it (see
    :func:`authenticate_with_service`); whatever else goes wrong first, a token that does not work is
    answered 401 as on every other route.
    """

    def decorator(fn: Callable) -> Callable:
        def _checked_call(fn: Callable, path_args: dict):
            if body is not None:
                path_args["body"] = parse_body(body)
            if query is not None:
                path_args["query"] = parse_query(query)
            return fn(**path_args)

        @functools.wraps(fn)
        def view(**path_args):
            if auth and auth_in_service:
                authenticate_with_service()
                try:
                    return _checked_call(fn, path_args)
                except Unauthorized:
                    raise
                except Exception:
                    if g.user_id is None:
                        authenticate_request()  # 401 rather than what the request would have been told
                    raise
            if auth:
                authenticate_request()
            return _checked_call(fn, path_args)

        bp.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method])
        ENDPOINTS.append(
            Endpoint(
                path=(bp.url_prefix or "") + rule,
                method=method.lower(),
                summary=summary,
                tag=tag,
                auth=auth,
                body=body,
                query=query,
                responses=responses,
                errors=errors,
            )
        )
        return fn

    return decorator
