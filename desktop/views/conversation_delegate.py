"""Paints a conversation row: initials avatar with a presence dot, title, time, one-line preview (or who is
typing, or my draft) and an unread badge."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.models.roles import ConversationRole
from desktop.views import avatars, palette_colors

AVATAR = 40
PAD = 10
PINNED_MARK = "📌"
MUTED_MARK = "🔕"
DRAFT_LABEL = "Draft: "

AnyIndex = QModelIndex | QPersistentModelIndex


COMPACT_WIDTH = AVATAR + 2 * PAD  # the avatar-only list at medium window widths


class ConversationDelegate(QStyledItemDelegate):
    # The profile picture for a row's Conversation (a 1:1's other person), or None: set by the file wiring.
    avatar_source: Callable[[object], QPixmap | None] | None = None
    # Avatars only (with the unread badge on the disc): the narrow list of a medium-width window.
    compact = False

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(option.rect.width(), max(AVATAR, 2 * metrics.height() + 4) + 2 * PAD)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = option.palette
        rect = QRectF(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette_colors.selection_fill(palette))
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, palette_colors.their_bubble(palette)[0])
        text_color = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        secondary = text_color if selected else palette_colors.secondary_text(palette)

        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        key = int(index.data(ConversationRole.AVATAR_KEY) or 0)
        left_edge = rect.center().x() - AVATAR / 2 if self.compact else rect.left() + PAD
        avatar = QRectF(left_edge, rect.center().y() - AVATAR / 2, AVATAR, AVATAR)
        source = self.avatar_source
        picture = source(index.data(ConversationRole.CONVERSATION)) if source is not None else None
        if picture is not None:
            avatars.paint_picture(painter, avatar, picture)
        else:
            avatars.paint_initials(painter, avatar, title, key, option.font)
        presence = index.data(ConversationRole.PRESENCE) or ""
        if presence in ("online", "away"):
            self._paint_presence_dot(painter, avatar, presence, option, selected)
        if self.compact:
            self._paint_compact_badge(painter, avatar, option, index)
            painter.restore()
            return

        left = avatar.right() + PAD
        right = rect.right() - PAD
        metrics = QFontMetrics(option.font)
        top = rect.center().y() - metrics.height() - 1

        small = QFont(option.font)
        small.setPointSizeF(max(1.0, option.font.pointSizeF() * 0.85))
        time_label = index.data(ConversationRole.TIME_LABEL) or ""
        painter.setFont(small)
        painter.setPen(secondary)
        time_width = QFontMetrics(small).horizontalAdvance(time_label)
        painter.drawText(
            QRectF(right - time_width, top, time_width, metrics.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            time_label,
        )

        unread = int(index.data(ConversationRole.UNREAD) or 0)
        muted = bool(index.data(ConversationRole.MUTED))
        marked_unread = bool(index.data(ConversationRole.MARKED_UNREAD))
        title_font = QFont(option.font)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_color)
        title_width = int(right - left - time_width - PAD)
        mute_width = QFontMetrics(small).horizontalAdvance(MUTED_MARK + " ") if muted else 0
        elided = QFontMetrics(title_font).elidedText(
            title, Qt.TextElideMode.ElideRight, max(0, title_width - mute_width)
        )
        painter.drawText(
            QRectF(left, top, title_width, metrics.height()), Qt.AlignmentFlag.AlignVCenter, elided
        )
        if muted:  # after the title, quiet: no notifications from this one
            after = left + QFontMetrics(title_font).horizontalAdvance(elided) + 4
            painter.setFont(small)
            painter.setPen(secondary)
            painter.drawText(
                QRectF(after, top, mute_width, metrics.height()), Qt.AlignmentFlag.AlignVCenter, MUTED_MARK
            )

        badge_width = 0.0
        second_line = QRectF(left, top + metrics.height() + 2, right - left, metrics.height())
        if unread or marked_unread:
            label = ("999+" if unread > 999 else str(unread)) if unread else ""
            badge_font = QFont(small)
            badge_font.setBold(True)
            badge_width = max(
                float(metrics.height()), QFontMetrics(badge_font).horizontalAdvance(label) + 12.0
            )
            badge = QRectF(right - badge_width, second_line.top(), badge_width, metrics.height())
            badge_path = QPainterPath()
            badge_path.addRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            fill = palette_colors.badge_color(palette) if not muted else palette_colors.muted_badge(palette)
            painter.fillPath(badge_path, text_color if selected else fill)
            painter.setFont(badge_font)
            painter.setPen(
                palette_colors.selection_fill(palette) if selected else palette_colors.badge_text(palette)
            )
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
            if index.data(ConversationRole.UNREAD_MENTIONS):  # "@" before the count, bright even if muted
                side = metrics.height()
                at = QRectF(badge.left() - 4 - side, second_line.top(), side, side)
                at_path = QPainterPath()
                at_path.addEllipse(at)
                painter.fillPath(at_path, text_color if selected else palette_colors.badge_color(palette))
                painter.setPen(
                    palette_colors.selection_fill(palette) if selected else palette_colors.badge_text(palette)
                )
                painter.drawText(at, Qt.AlignmentFlag.AlignCenter, "@")
                badge_width += side + 4

        elif index.data(ConversationRole.PINNED):
            badge_width = float(QFontMetrics(small).horizontalAdvance(PINNED_MARK))
            painter.setFont(small)
            painter.setPen(secondary)
            painter.drawText(
                QRectF(right - badge_width, second_line.top(), badge_width, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                PINNED_MARK,
            )

        typing = index.data(ConversationRole.TYPING) or ""
        draft = "" if typing else index.data(ConversationRole.DRAFT) or ""
        preview = typing or draft or index.data(ConversationRole.PREVIEW) or ""
        preview_font = QFont(option.font)
        preview_font.setItalic(bool(typing))
        preview_width = int(second_line.width() - (badge_width + PAD if badge_width else 0))
        if draft:  # "Draft:" in the error colour, as Telegram and Signal mark it, then the draft itself
            painter.setFont(preview_font)
            painter.setPen(text_color if selected else palette_colors.error_color(palette))
            label_width = QFontMetrics(preview_font).horizontalAdvance(DRAFT_LABEL)
            painter.drawText(
                QRectF(second_line.left(), second_line.top(), label_width, second_line.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
                DRAFT_LABEL,
            )
            second_line.setLeft(second_line.left() + label_width)
            preview_width = max(0, preview_width - label_width)
        painter.setFont(preview_font)
        painter.setPen(
            text_color if selected else (palette_colors.typing_color(palette) if typing else secondary)
        )
        painter.drawText(
            QRectF(second_line.left(), second_line.top(), preview_width, second_line.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
            QFontMetrics(preview_font).elidedText(preview, Qt.TextElideMode.ElideRight, preview_width),
        )
        painter.restore()

    @staticmethod
    def _paint_compact_badge(painter: QPainter, avatar: QRectF, option, index: AnyIndex) -> None:
        """The unread count on the disc's top right, ringed like the presence dot."""
        unread = int(index.data(ConversationRole.UNREAD) or 0)
        if not unread and not index.data(ConversationRole.MARKED_UNREAD):
            return
        palette = option.palette
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(max(1.0, option.font.pointSizeF() * 0.75))
        label = ("99+" if unread > 99 else str(unread)) if unread else ""
        metrics = QFontMetrics(font)
        height = metrics.height() + 2
        width = max(float(height), metrics.horizontalAdvance(label) + 8.0)
        badge = QRectF(avatar.right() - width + 4, avatar.top() - 3, width, height)
        path = QPainterPath()
        path.addRoundedRect(badge, height / 2, height / 2)
        ring = QPainterPath()
        ring.addRoundedRect(badge.adjusted(-2, -2, 2, 2), height / 2 + 2, height / 2 + 2)
        painter.fillPath(ring, palette.color(QPalette.ColorRole.Base))
        muted = bool(index.data(ConversationRole.MUTED))
        fill = palette_colors.muted_badge(palette) if muted else palette_colors.badge_color(palette)
        painter.fillPath(path, fill)
        painter.setFont(font)
        painter.setPen(palette_colors.badge_text(palette))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)

    @staticmethod
    def _paint_presence_dot(painter: QPainter, avatar: QRectF, state: str, option, selected: bool) -> None:
        """Bottom right of the avatar, ringed in the row's background so it reads on any disc."""
        size = AVATAR * 0.3
        dot = QRectF(avatar.right() - size + 1, avatar.bottom() - size + 1, size, size)
        palette = option.palette
        ring = palette_colors.selection_fill(palette) if selected else palette.color(QPalette.ColorRole.Base)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ring)
        painter.drawEllipse(dot.adjusted(-2, -2, 2, 2))
        painter.setBrush(palette_colors.presence_color(state))
        painter.drawEllipse(dot)
