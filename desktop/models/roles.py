"""Named item-data roles shared by the models and the delegates that paint them."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

_BASE = int(Qt.ItemDataRole.UserRole)


class MessageRole(IntEnum):
    MESSAGE = _BASE + 1
    IS_MINE = _BASE + 2
    SENDER_NAME = _BASE + 3  # empty unless the name should be shown (groups, first of a run)
    DAY_LABEL = _BASE + 4  # empty unless a day separator goes above this row
    TIME_LABEL = _BASE + 5
    STATE = _BASE + 6  # "sent", "sending" or "failed"
    EDITED = _BASE + 7
    DELETED = _BASE + 8
    SEQ = _BASE + 9
    CLIENT_ID = _BASE + 10
    LAYOUT_KEY = _BASE + 11  # everything the row's height depends on, for the delegate's size cache
    ERROR = _BASE + 12
    SEEN = _BASE + 13  # on my confirmed messages: "seen" (1:1), "seen by N" (group), else ""
    HIDDEN = _BASE + 14  # from someone I blocked with hide_in_groups, not revealed: shown collapsed
    QUOTE = _BASE + 20  # a reply's quote as shown: Quote, or None (not a reply, or deleted/hidden itself)
    REACTIONS = _BASE + 21  # list[ReactionChip] under the bubble ([] for none)
    # "Forwarded from Alice", "Forwarded" (first sender not visible), or "" (not a forward)
    FORWARD_LABEL = _BASE + 22
    MENTION_NAME = _BASE + 23  # my username when the message mentions me (its "@name" is marked), else ""
    ATTACHMENTS = _BASE + 40  # list[Attachment]: the message's files ([] for plain text)
    UPLOAD_PROGRESS = _BASE + 41  # on a pending message with files: (file index, fraction) uploading, or None
    RETRYABLE = _BASE + 60  # a failed message that sending again could get through (not a refused text)
    UNREAD_DIVIDER = _BASE + 61  # the first unread message when the conversation opened: a divider above it
    # (joins the one above, joins the one below): consecutive messages of one sender, same day, close in time
    GROUPING = _BASE + 50


class ConversationRole(IntEnum):
    ID = _BASE + 1
    PREVIEW = _BASE + 2
    TIME_LABEL = _BASE + 3
    UNREAD = _BASE + 4
    ACTIVITY = _BASE + 5  # POSIX seconds of the last activity, for sorting
    KIND = _BASE + 6
    CONVERSATION = _BASE + 7
    PRESENCE = _BASE + 8  # 1:1s: the other person's "online", "away" or "offline"; "" when unknown or a group
    TYPING = _BASE + 9  # "Alice is typing…" while someone is, else ""
    PINNED = _BASE + 10  # pinned to the top of my list
    MUTED = _BASE + 11  # no notifications; its badge is grey and not in the total
    MARKED_UNREAD = _BASE + 12  # marked as unread by hand: a badge even with nothing unread
    SORT_KEY = _BASE + 13  # (pinned_at seconds or 0, activity seconds): the list's order, largest first
    MEMBER_NAMES = _BASE + 14  # the members' display names, comma-separated (plain text: search, tooltip)
    DRAFT = _BASE + 15  # my unsent draft there, one line ("" when none, or while the conversation is open)
    UNREAD_MENTIONS = _BASE + 16  # unread messages that mention me: an "@" badge beside the count
    AVATAR_KEY = _BASE + 30  # Conversation.avatar_key: a 1:1's other person's user id, a group's own key
