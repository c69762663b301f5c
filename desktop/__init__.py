"""ChatIDK desktop client: a PySide6 app over the REST + WebSocket protocol in docs/protocol.md."""

from desktop import qt_compat  # noqa: F401 - must patch Signal.emit before any signal is emitted
