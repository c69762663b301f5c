"""Bubbles (issue 13 item 3): consecutive messages of one sender form a group (tighter gaps, tighter
corners where they join), and the time sits inside the last line when it fits."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect
from PySide6.QtWidgets import QStyleOptionViewItem

from desktop.models.messages import MessageListModel
from desktop.models.roles import MessageRole
from desktop.views.bubble_delegate import (
    FOOTER_GAP,
    JOINED_RADIUS,
    PADDING_H,
    ROW_GAP,
    RUN_GAP,
    BubbleDelegate,
    bubble_path,
)
from tests.desktop.factories import message

ME = 1


def option_for(width: int) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, 100)
    return option


def build(rows) -> MessageListModel:
    model = MessageListModel(my_id=ME)
    model.show_conversation(1, is_group=False, names={2: "Bob"}, confirmed=rows)
    return model


def test_one_senders_messages_group_and_a_pause_or_another_sender_parts_them(qapp):
    model = build(
        [
            message(1, sender_id=2, text="hey", minutes=0),
            message(2, sender_id=2, text="are you there", minutes=1),
            message(3, sender_id=2, text="later", minutes=30),  # a pause: a new group
            message(4, sender_id=ME, text="yes", minutes=31),
        ]
    )
    groups = [model.index(row).data(MessageRole.GROUPING) for row in range(4)]
    assert groups == [(False, True), (True, False), (False, False), (False, False)]
    delegate = BubbleDelegate()
    option = option_for(700)
    tops = [delegate._geometry(option, model.index(row)).bubble.top() for row in range(4)]
    assert tops[1] == ROW_GAP  # tight inside a group
    assert tops[2] == RUN_GAP and tops[3] == RUN_GAP  # apart between groups
    assert ROW_GAP < RUN_GAP


def test_a_live_message_joins_the_group_above_and_its_corners_follow(qapp):
    model = build([message(1, sender_id=2, text="one", minutes=0)])
    assert model.index(0).data(MessageRole.GROUPING) == (False, False)
    key_before = model.index(0).data(MessageRole.LAYOUT_KEY)
    model.merge([message(2, sender_id=2, text="two", minutes=1)])
    assert model.index(0).data(MessageRole.GROUPING) == (False, True)
    assert model.index(0).data(MessageRole.LAYOUT_KEY) != key_before  # its height cache is not reused


def corner_is_tight(path, corner: QPointF, inward: QPointF) -> bool:
    """A point just inside the corner is in the path only where the corner is tight."""
    return path.contains(corner + inward * (JOINED_RADIUS * 0.4 + 0.6))


def test_joined_corners_are_tighter_on_the_senders_side(qapp):
    from PySide6.QtCore import QRectF

    rect = QRectF(0, 0, 200, 60)
    theirs_middle = bubble_path(rect, False, (True, True))
    assert corner_is_tight(theirs_middle, rect.topLeft(), QPointF(1, 1))
    assert corner_is_tight(theirs_middle, rect.bottomLeft(), QPointF(1, -1))
    assert not corner_is_tight(theirs_middle, rect.topRight(), QPointF(-1, 1))
    mine_first = bubble_path(rect, True, (False, True))
    assert corner_is_tight(mine_first, rect.bottomRight(), QPointF(-1, -1))
    assert not corner_is_tight(mine_first, rect.topRight(), QPointF(-1, 1))
    alone = bubble_path(rect, False, (False, False))
    assert not any(
        corner_is_tight(alone, c, d)
        for c, d in (
            (rect.topLeft(), QPointF(1, 1)),
            (rect.bottomLeft(), QPointF(1, -1)),
        )
    )


def test_the_time_goes_inside_a_short_last_line_and_below_a_full_one(qapp):
    delegate = BubbleDelegate()
    option = option_for(600)
    seen = set()
    for length in range(20, 80):  # last lines from short to full
        model = build([message(1, sender_id=2, text="m" * length, minutes=0)])
        geometry = delegate._geometry(option, model.index(0))
        layout = geometry.text_layout
        last = layout.lineAt(layout.lineCount() - 1)
        last_bottom = geometry.text_origin.y() + last.y() + last.height()
        inline = geometry.footer_baseline <= last_bottom + 0.5
        beside = geometry.text_origin.x() + last.naturalTextWidth() + FOOTER_GAP
        if inline:  # then it is drawn right of the text, inside the bubble
            assert beside <= geometry.bubble.right() - PADDING_H - 1
        seen.add(inline)
        assert delegate.sizeHint(option, model.index(0)).height() == int(geometry.height + 0.999)
    assert seen == {True, False}  # both happen: inline when it fits, on its own line when not
