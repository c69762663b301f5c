"""Window-wide keyboard shortcuts, connected the typed way (QShortcut's ``activated=`` keyword is untyped),
and the list of every key the client answers to, which the shortcut sheet (Ctrl+/) shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

# The window's own shortcuts: registered by MainWindow from these, listed by the sheet from these.
NEXT_CONVERSATION = ("Ctrl+Tab", "Alt+Down", "Ctrl+PgDown")
PREVIOUS_CONVERSATION = ("Ctrl+Shift+Tab", "Alt+Up", "Ctrl+PgUp")
JUMP = "Ctrl+K"
NEW_CHAT = "Ctrl+N"
FILTER = "Ctrl+F"
QUIT = "Ctrl+Q"
SHEET = "Ctrl+/"
ESCAPE = "Esc"

# What the sheet shows: (section, [(keys, what they do)]); keys of several ways are joined with " or ".
SHEET_SECTIONS: list[tuple[str, list[tuple[tuple[str, ...], str]]]] = [
    (
        "Conversations",
        [
            (NEXT_CONVERSATION, "Next conversation"),
            (PREVIOUS_CONVERSATION, "Previous conversation"),
            ((JUMP,), "Jump to a conversation by name"),
            ((NEW_CHAT,), "New chat"),
            ((FILTER,), "Search conversations"),
            (("Menu", "Shift+F10"), "A conversation's menu (in the list)"),
        ],
    ),
    (
        "Writing",
        [
            (("Return",), "Send (or save an edit)"),
            (("Shift+Return",), "New line"),
            (("Up",), "Edit my last message (in an empty composer)"),
            ((ESCAPE,), "Cancel editing; else back to the composer"),
            (("Ctrl+V",), "Paste text, a picture or files"),
        ],
    ),
    (
        "Messages",
        [
            (("Up", "Down"), "Move between messages (Tab into the list first)"),
            (("Menu", "Shift+F10"), "The message's menu: copy, open, save, edit, delete"),
            (("Return",), "Open the message's file; show a hidden message"),
            (("Ctrl+C",), "Copy the selected text, else the message"),
        ],
    ),
    (
        "Window",
        [
            ((SHEET,), "This list of shortcuts"),
            ((QUIT,), "Quit ChatIDK"),
        ],
    ),
]


def shown_keys(keys: str) -> str:
    """As the platform writes them (Ctrl+Q, ⌘Q on macOS)."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def add_shortcut(
    keys: QKeySequence | QKeySequence.StandardKey | str, parent: QWidget, action: Callable
) -> QShortcut:
    """The shortcut lives as long as ``parent`` (its Qt owner)."""
    shortcut = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys), parent)
    shortcut.activated.connect(action)
    return shortcut
