"""ChatIDK desktop client: a PySide6 app over the REST + WebSocket protocol in docs/protocol.md."""
