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
FILTER = "Ctrl+Shift+F"  # search conversations and messages (the list's search field)
FIND = "Ctrl+F"  # find in the open conversation (the search field when none is open)
QUIT = "Ctrl+Q"
SHEET = "Ctrl+/"
SETTINGS = "Ctrl+,"
ESCAPE = "Esc"
NEWEST = ("Alt+End",)  # the chat panel's (views/jump_to_latest.py); Ctrl+End is the list's own key
SWITCH_ACCOUNT = tuple(f"Ctrl+{n}" for n in range(1, 6))  # the app window's: the first … fifth account
BACK = "Alt+Left"  # the one-pane layout: from the chat back to the list
# the divider beside the list (views/side_splitter.py; the Settings window's page list too). Not
# Ctrl+Shift+←/→: the composer and the search field select by words with those.
SIDE_NARROWER, SIDE_WIDER, SIDE_DEFAULT = "Ctrl+[", "Ctrl+]", "Ctrl+\\"
REPLY = "Ctrl+R"  # on the focused message (the message list's own key)
DELETE_FOR_ME = "Del"  # on the focused message (the message list's own key), after a question
EMOJI = "Ctrl+E"  # the composer's emoji picker
# the media viewer's (views/media_viewer.py)
MEDIA_PREVIOUS, MEDIA_NEXT = "Left", "Right"
MEDIA_ZOOM = ("Ctrl++", "Ctrl+-", "Ctrl+0")  # in, out, fit to the window (Ctrl+= zooms in too)
MEDIA_SAVE = "Ctrl+S"

RANGE = "…"  # between two keys of a row: every key from one to the other (keeps the sheet's columns narrow)

# What the sheet shows: (section, [(keys, what they do)]); keys of several ways are joined with " · ".
SHEET_SECTIONS: list[tuple[str, list[tuple[tuple[str, ...], str]]]] = [
    (
        "Conversations",
        [
            (NEXT_CONVERSATION, "Next conversation"),
            (PREVIOUS_CONVERSATION, "Previous conversation"),
            ((JUMP,), "Jump to a conversation by name"),
            ((NEW_CHAT,), "New chat"),
            ((FILTER,), "Search conversations and messages"),
            ((FIND,), "Find in the conversation (Enter, Shift+Enter or ↑ ↓ between hits)"),
            (("Menu", "Shift+F10"), "The conversation's menu (in the list)"),
        ],
    ),
    (
        "Writing",
        [
            (("Return",), "Send (or save an edit)"),
            (("Shift+Return",), "New line"),
            (("Up",), "Edit my last message (composer empty)"),
            ((ESCAPE,), "Cancel editing or the reply, or back to the composer"),
            ((EMOJI,), "Insert an emoji"),
            (("Ctrl+V",), "Paste text, a picture or files"),
        ],
    ),
    (
        "Messages",
        [
            (("Up", "Down"), "Previous or next message (Tab into the list)"),
            (("Menu", "Shift+F10"), "The message's menu: react, reply, forward, pin, copy, edit, delete"),
            ((REPLY,), "Reply to the message"),
            ((DELETE_FOR_ME,), "Delete the message for me"),
            (("Return",), "Open the message's file, or the message a reply answers"),
            (("Ctrl+C",), "Copy the selection, else the message"),
            ((*NEWEST, "Ctrl+End"), "To the newest message (Ctrl+End: in the list)"),
        ],
    ),
    (
        "Media viewer",
        [
            ((MEDIA_PREVIOUS, MEDIA_NEXT), "The picture or video before, after"),
            (MEDIA_ZOOM, "Zoom in, out, fit to the window (the mouse wheel zooms too)"),
            ((MEDIA_SAVE,), "Save the file shown"),
            (("Space",), "Pause or play the video"),
            ((ESCAPE,), "Close the viewer"),
        ],
    ),
    (
        "Window",
        [
            ((SWITCH_ACCOUNT[0], RANGE, SWITCH_ACCOUNT[-1]), "Switch to the first … fifth account"),
            ((BACK,), "Back to the list (narrow window)"),
            ((SIDE_NARROWER, SIDE_WIDER), "Narrow or widen the list (Settings: the pages)"),
            ((SIDE_DEFAULT,), "The list back at its default width"),
            ((SETTINGS,), "Settings (Esc closes them)"),
            ((SHEET,), "This list of shortcuts"),
            ((QUIT,), "Quit ChatIDK"),
        ],
    ),
]


_KEY_WORDS = {"Up": "↑", "Down": "↓", "Return": "Enter", "PgDown": "PgDn"}


def shown_keys(keys: str) -> str:
    """As the platform writes them (Ctrl+Q, ⌘Q on macOS), arrows as ↑ ↓ and Return as Enter."""
    native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText) or keys
    return "+".join(_KEY_WORDS.get(part, part) for part in native.split("+")) if native != "+" else native


def add_shortcut(
    keys: QKeySequence | QKeySequence.StandardKey | str, parent: QWidget, action: Callable
) -> QShortcut:
    """The shortcut lives as long as ``parent`` (its Qt owner)."""
    shortcut = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys), parent)
    shortcut.activated.connect(action)
    return shortcut
