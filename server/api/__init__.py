"""HTTP and WebSocket routes: parse, authenticate, validate, call a service, answer. No SQL here."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# The route modules register themselves on ``api`` when imported.
from server.api import accounts, conversations, events, files, messages, meta, security  # noqa: E402, F401
