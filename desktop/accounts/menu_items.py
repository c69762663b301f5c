"""What the app adds to each account's menu: Add account and Remove from this computer, around the
window's own Log out (which signs out of that account only). About is in the Settings window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu


def add_account_items(
    menu: QMenu,
    *,
    add_account: Callable[[], object],
    remove_account: Callable[[], object],
) -> QAction:
    """The Add account action (disabled while five are signed in) is returned."""
    log_out = next((a for a in menu.actions() if a.text() == "Log out"), None)
    add = QAction("Add account…", menu)
    add.triggered.connect(lambda: add_account())  # not the checked flag the signal carries
    remove = QAction("Remove from this computer…", menu)
    remove.setToolTip("Sign out and delete this account's history, unsent messages and drafts kept here")
    remove.triggered.connect(lambda: remove_account())
    if log_out is not None:
        menu.insertSeparator(log_out)
        menu.insertAction(log_out, add)
        actions = menu.actions()
        after = actions[actions.index(log_out) + 1] if actions.index(log_out) + 1 < len(actions) else None
        if after is not None:
            menu.insertAction(after, remove)
        else:
            menu.addAction(remove)
    else:
        menu.addActions([add, remove])
    return add
