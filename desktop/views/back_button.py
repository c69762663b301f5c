"""The chat header's back arrow in the one-pane layout (the icon set's "back"), its keys in the tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.views import shortcuts
from desktop.views.symbols import IconButton


class BackButton(IconButton):
    """Back to the conversation list (also Esc and Alt+←)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "back",
            f"Back to the conversations ({shortcuts.shown_keys(shortcuts.BACK)} or Esc)",
            "Back to the conversations",
            parent,
        )
