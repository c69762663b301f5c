"""Limits that both validation and the rules need (documented in docs/protocol.md)."""

MAX_MESSAGE_CHARS = 10_000
MAX_GROUP_MEMBERS = 256
MAX_JSON_BYTES = 1024 * 1024
# What GET /search's ``has`` may ask for (server/db/search.py turns each into SQL).
SEARCH_HAS = ("file", "image", "video", "link")
