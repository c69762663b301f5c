"""How the routes' answers are serialised: Flask's JSON, keys in the order built, text as is, no spaces."""

from __future__ import annotations

from flask.json.provider import DefaultJSONProvider


class JsonAnswers(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False
    compact = True
