"""Paints chat bubbles with plain-text QTextLayout, caching each row's height per width."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPainterPath, QPixmap, QTextLayout, QTextOption
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.domain.records import FAILED, SENDING
from desktop.models.attachment_media import AttachmentMedia
from desktop.models.roles import MessageRole
from desktop.views import attachment_painter, avatars, palette_colors

SIDE_MARGIN = 12.0
PADDING_H = 10.0
PADDING_V = 6.0
ROW_GAP = 3.0
RUN_GAP = 8.0
RADIUS = 10.0
MAX_BUBBLE = 620.0
BUBBLE_FRACTION = 0.78
DAY_HEIGHT_EXTRA = 18.0
GROUP_AVATAR = 28.0

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass
class RowGeometry:
    height: float
    day_rect: QRectF | None
    bubble: QRectF
    name_height: float
    text_layout: QTextLayout
    text_origin: QPointF
    footer_baseline: float
    files: list[attachment_painter.Box] = field(default_factory=list)
    files_origin: QPointF = field(default_factory=QPointF)
    avatar_rect: QRectF | None = None  # the sender's picture, beside the first bubble of a run in groups


@dataclass(slots=True)
class _Measure:
    y: float
    day_rect: QRectF | None
    sender: str
    mine: bool
    gutter: float
    text_width: float
    text: str
    font: QFont
    name_font: QFont
    small: QFontMetricsF
    files: list[attachment_painter.Box]
    files_width: float
    files_height: float
    layout: QTextLayout
    text_height: float
    natural: float
    name_height: float
    bubble_height: float


def _footer_text(index: AnyIndex) -> str:
    if index.data(MessageRole.HIDDEN):
        return "click to show"
    parts = []
    if index.data(MessageRole.EDITED):
        parts.append("edited")
    parts.append(index.data(MessageRole.TIME_LABEL) or "")
    state = index.data(MessageRole.STATE)
    if state == SENDING:
        parts.append("sending…")
    elif state == FAILED:
        parts = ["Not sent · click to retry"]
    elif index.data(MessageRole.IS_MINE) and not index.data(MessageRole.DELETED):
        seen = index.data(MessageRole.SEEN)
        parts.append(f"✓ {seen}" if seen else "✓")
    return " · ".join(p for p in parts if p)


class BubbleDelegate(QStyledItemDelegate):
    """Heights are cached by (layout key, width); text layouts for painting in a small LRU."""

    def __init__(
        self, parent=None, *, size_cache_limit: int = 200_000, layout_cache_limit: int = 400
    ) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple, int] = {}  # heights only: a QSize wrapper per row costs memory
        self._size_cache_limit = size_cache_limit
        self._layouts: OrderedDict[tuple, RowGeometry] = OrderedDict()
        self._layout_cache_limit = layout_cache_limit
        self.media: AttachmentMedia | None = None  # previews and playback state for files, when wired
        self.avatar_source: Callable[[int], QPixmap | None] | None = None  # a user's picture, when wired

    def clear_caches(self) -> None:
        """The font changed (the view calls this): every height may be different now."""
        self._sizes.clear()
        self._layouts.clear()

    # fonts
    @staticmethod
    def _fonts(base: QFont) -> tuple[QFont, QFont, QFont]:
        name = QFont(base)
        name.setBold(True)
        name.setPointSizeF(base.pointSizeF() * 0.92 if base.pointSizeF() > 0 else 9)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.82 if base.pointSizeF() > 0 else 8)
        return base, name, small

    def _geometry(self, option: QStyleOptionViewItem, index: AnyIndex) -> RowGeometry:
        width = float(option.rect.width())
        key = (index.data(MessageRole.LAYOUT_KEY), width)
        cached = self._layouts.get(key)
        if cached is not None:
            self._layouts.move_to_end(key)
            return cached
        geometry = self._compute(option, index, width)
        self._layouts[key] = geometry
        if len(self._layouts) > self._layout_cache_limit:
            self._layouts.popitem(last=False)
        return geometry

    def _measure(self, option: QStyleOptionViewItem, index: AnyIndex, width: float) -> _Measure:
        """What both the height and the painted geometry need; the text is laid out once, at full width."""
        body_font, name_font, small_font = self._fonts(option.font)
        small = QFontMetricsF(small_font)
        y = 0.0
        day_label = index.data(MessageRole.DAY_LABEL)
        day_rect = None
        if day_label:
            day_height = small.height() + DAY_HEIGHT_EXTRA
            day_rect = QRectF(0, 0, width, day_height)
            y += day_height
        sender = index.data(MessageRole.SENDER_NAME) or ""
        y += RUN_GAP if (sender or day_label) else ROW_GAP

        mine = bool(index.data(MessageRole.IS_MINE))
        # In groups other people's bubbles leave room for their picture, shown beside the first of a run.
        gutter = GROUP_AVATAR + 6 if not mine and getattr(index.model(), "is_group", False) else 0.0
        max_bubble = min(MAX_BUBBLE, max(120.0, (width - 2 * SIDE_MARGIN - gutter) * BUBBLE_FRACTION))
        text_width = max_bubble - 2 * PADDING_H
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        deleted = bool(index.data(MessageRole.DELETED)) or bool(index.data(MessageRole.HIDDEN))
        font = QFont(body_font)
        if deleted:
            font.setItalic(True)
        attachments = index.data(MessageRole.ATTACHMENTS) or []
        files, files_width, files_height = attachment_painter.layout(attachments, text_width)
        if attachments and not text:
            layout, text_height, natural = QTextLayout(""), 0.0, 0.0  # files only: no empty line
        else:
            layout, text_height, natural = self._layout_text(text, font, text_width)
        if attachments and text:
            files_height += attachment_painter.GAP
        name_height = QFontMetricsF(name_font).height() + 2 if sender else 0.0
        bubble_height = PADDING_V + name_height + files_height + text_height + small.height() + PADDING_V
        return _Measure(
            y, day_rect, sender, mine, gutter, text_width, text, font, name_font, small, files, files_width,
            files_height, layout, text_height, natural, name_height, bubble_height,
        )  # fmt: skip

    def _height(self, option: QStyleOptionViewItem, index: AnyIndex, width: float) -> float:
        """For sizeHint, asked for every row on each relayout: no footer, no second layout, nothing kept."""
        measure = self._measure(option, index, width)
        return measure.y + measure.bubble_height

    def _compute(self, option: QStyleOptionViewItem, index: AnyIndex, width: float) -> RowGeometry:
        m = self._measure(option, index, width)
        footer_width = m.small.horizontalAdvance(_footer_text(index))
        name_width = QFontMetricsF(m.name_font).horizontalAdvance(m.sender) if m.sender else 0.0
        inner = min(m.text_width, max(m.natural, footer_width, name_width, m.files_width, 24.0))
        layout = m.layout
        if inner + 0.5 < m.text_width and m.text:
            # Lay out again at the bubble's width so right-to-left lines align to the bubble, not beyond it.
            # The lines break where they did (the width is at least the widest), so the height stays.
            layout, _, _ = self._layout_text(m.text, m.font, inner + 0.5)
        bubble_width = inner + 2 * PADDING_H
        y = m.y
        left = width - SIDE_MARGIN - bubble_width if m.mine else SIDE_MARGIN + m.gutter
        avatar_rect = QRectF(SIDE_MARGIN, y, GROUP_AVATAR, GROUP_AVATAR) if m.gutter and m.sender else None
        bubble = QRectF(left, y, bubble_width, m.bubble_height)
        files_origin = QPointF(left + PADDING_H, y + PADDING_V + m.name_height)
        text_origin = QPointF(left + PADDING_H, y + PADDING_V + m.name_height + m.files_height)
        footer_baseline = bubble.bottom() - PADDING_V - m.small.descent()
        return RowGeometry(
            height=y + m.bubble_height,
            day_rect=m.day_rect,
            bubble=bubble,
            name_height=m.name_height,
            text_layout=layout,
            text_origin=text_origin,
            footer_baseline=footer_baseline,
            files=m.files,
            files_origin=files_origin,
            avatar_rect=avatar_rect,
        )

    @staticmethod
    def _layout_text(text: str, font: QFont, width: float) -> tuple[QTextLayout, float, float]:
        """Plain text only: QTextLayout never interprets markup, so "<b>hi</b>" shows as typed."""
        layout = QTextLayout(text, font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        text_option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        layout.setTextOption(text_option)
        layout.setCacheEnabled(True)
        layout.beginLayout()
        height = natural = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, height))
            height += line.height()
            natural = max(natural, line.naturalTextWidth())
        layout.endLayout()
        return layout, height, natural

    # QStyledItemDelegate
    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        key = (index.data(MessageRole.LAYOUT_KEY), option.rect.width())
        height = self._sizes.get(key)
        if height is None:
            painted = self._layouts.get(key)  # its geometry has the height already
            exact = painted.height if painted is not None else self._height(option, index, key[1])
            height = int(exact + 0.999)
            if len(self._sizes) >= self._size_cache_limit:
                self._sizes.clear()
            self._sizes[key] = height
        return QSize(option.rect.width(), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        geometry = self._geometry(option, index)
        palette = option.palette
        _, name_font, small_font = self._fonts(option.font)
        mine = bool(index.data(MessageRole.IS_MINE))
        fill, text_color = palette_colors.my_bubble(palette) if mine else palette_colors.their_bubble(palette)
        secondary = palette_colors.secondary_text(palette)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(option.rect.topLeft())

        if geometry.day_rect is not None:
            self._paint_day(
                painter, geometry.day_rect, index.data(MessageRole.DAY_LABEL), small_font, palette
            )

        path = QPainterPath()
        path.addRoundedRect(geometry.bubble, RADIUS, RADIUS)
        painter.fillPath(path, fill)
        if option.state & QStyle.StateFlag.State_HasFocus and option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(palette.color(palette.ColorRole.Highlight))
            painter.drawPath(path)

        bubble = geometry.bubble
        sender = index.data(MessageRole.SENDER_NAME)
        if geometry.avatar_rect is not None:
            user_id = index.data(MessageRole.MESSAGE).sender_id
            picture = self.avatar_source(user_id) if self.avatar_source is not None else None
            if picture is not None:
                avatars.paint_picture(painter, geometry.avatar_rect, picture)
            else:
                avatars.paint_initials(painter, geometry.avatar_rect, sender or "?", user_id, option.font)
        if sender:
            painter.setFont(name_font)
            user_id = index.data(MessageRole.MESSAGE).sender_id
            painter.setPen(palette_colors.sender_color(palette, user_id))
            painter.drawText(
                QRectF(
                    bubble.left() + PADDING_H, bubble.top() + PADDING_V, bubble.width() - 2 * PADDING_H, 100
                ),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextSingleLine,
                painter.fontMetrics().elidedText(sender, Qt.TextElideMode.ElideRight, int(bubble.width())),
            )

        if geometry.files:
            attachment_painter.paint(
                painter,
                geometry.files_origin,
                geometry.files,
                index.data(MessageRole.ATTACHMENTS),
                palette=palette,
                font=option.font,
                small_font=small_font,
                media=self.media,
                upload=index.data(MessageRole.UPLOAD_PROGRESS),
                failed=index.data(MessageRole.STATE) == FAILED,
            )
        muted = index.data(MessageRole.DELETED) or index.data(MessageRole.HIDDEN)
        painter.setPen(secondary if muted else text_color)
        geometry.text_layout.draw(painter, geometry.text_origin)

        painter.setFont(small_font)
        state = index.data(MessageRole.STATE)
        painter.setPen(palette_colors.error_color(palette) if state == FAILED else secondary)
        footer = _footer_text(index)
        footer_width = QFontMetricsF(small_font).horizontalAdvance(footer)
        painter.drawText(QPointF(bubble.right() - PADDING_H - footer_width, geometry.footer_baseline), footer)
        painter.restore()

    @staticmethod
    def _paint_day(painter: QPainter, rect: QRectF, label: str, font: QFont, palette) -> None:
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        pill_width = metrics.horizontalAdvance(label) + 20
        pill = QRectF(rect.center().x() - pill_width / 2, rect.top() + 6, pill_width, metrics.height() + 6)
        path = QPainterPath()
        path.addRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.fillPath(path, palette_colors.their_bubble(palette)[0])
        painter.setPen(palette_colors.secondary_text(palette))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)

    def bubble_rect(self, option: QStyleOptionViewItem, index: AnyIndex) -> QRectF:
        """The bubble in view coordinates, for hit tests (context menu, retry clicks)."""
        return self._geometry(option, index).bubble.translated(option.rect.topLeft())

    def attachment_at(
        self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPointF
    ) -> tuple[int, str] | None:
        """(file index, part) under ``pos`` in view coordinates: see attachment_painter.hit."""
        geometry = self._geometry(option, index)
        if not geometry.files:
            return None
        local = pos - QPointF(option.rect.topLeft()) - geometry.files_origin
        return attachment_painter.hit(geometry.files, index.data(MessageRole.ATTACHMENTS), local)
