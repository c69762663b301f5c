"""Paints chat bubbles with plain-text QTextLayout, caching each row's height per width.

One routine (``_layout_text``) lays a message's text out for both its height and its painting, so what is
measured is what is drawn: line breaks as typed, links underlined, a selection highlighted."""

from __future__ import annotations

import itertools
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.domain.records import FAILED, SENDING
from desktop.models import message_text
from desktop.models.attachment_media import AttachmentMedia
from desktop.models.mention_text import mention_ranges
from desktop.models.reactions_text import Quote, ReactionChip
from desktop.models.roles import MessageRole
from desktop.views import (
    attachment_painter,
    avatars,
    failure_note,
    forward_label,
    palette_colors,
    unread_divider,
)

SIDE_MARGIN = 12.0
PADDING_H = 12.0  # Telegram ~11 px, Signal 12 px
PADDING_V = 7.0
ROW_GAP = 2.0  # between bubbles of one group (one sender, a few minutes)
RUN_GAP = 10.0  # between groups
RADIUS = 14.0
JOINED_RADIUS = 5.0  # the sender's side of a bubble that joins its neighbour
LINE_LEADING = 0.2  # extra space between lines, in lines: body text reads at ~1.2 line height
FOOTER_GAP = 10.0  # between the last line's text and the time beside it
# wider than the footer of any message not edited, sending or failed (theirs, or mine sent or seen)
PLAIN_FOOTERS = ("12:59 PM · ✓ seen by 9999", "click to show")


@dataclass(slots=True)
class _FontSet:
    base: QFont
    body: QFont
    name: QFont
    small: QFont
    small_metrics: QFontMetricsF
    plain_footer: float  # at least as wide as a plain footer (PLAIN_FOOTERS)
    name_height: float


MAX_BUBBLE = 620.0
BUBBLE_FRACTION = 0.78
DAY_HEIGHT_EXTRA = 18.0
GROUP_AVATAR = 28.0
EMOJI_SCALE = {1: 2.6, 2: 2.2, 3: 1.9}  # messages of only one to three emoji are shown this much larger
TAB_SPACES = 4  # a tab in a code paste is as wide as this many spaces
QUOTE_BAR = 3.0  # the accent line left of a reply's quote
QUOTE_PAD = 4.0
QUOTE_GAP = 4.0  # between the quote and what follows it
QUOTE_MAX_WIDTH = 300.0  # a long quote is elided rather than widening a short reply's bubble
CHIP_PAD_H = 7.0
CHIP_PAD_V = 2.0
CHIP_GAP = 4.0
CHIPS_TOP = 3.0  # between the bubble and its reaction chips

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
    joined: tuple[bool, bool] = (False, False)  # joins the bubble above, the one below
    files: list[attachment_painter.Box] = field(default_factory=list)
    files_origin: QPointF = field(default_factory=QPointF)
    avatar_rect: QRectF | None = None  # the sender's picture, beside the first bubble of a run in groups
    links: list[message_text.Link] = field(default_factory=list)  # in the laid-out text (UTF-16 positions)
    quote_rect: QRectF | None = None  # a reply's quote inside the bubble (click: jump to the original)
    chips: list[tuple[QRectF, ReactionChip]] = field(default_factory=list)  # under the bubble
    failure: failure_note.Note | None = None  # why a message of mine was not sent, above the footer
    unread_rect: QRectF | None = None  # the "Unread messages" divider above the first unread message


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
    quote: Quote | None
    quote_height: float
    quote_width: float
    chip_sizes: list[tuple[float, float, ReactionChip]]  # (width, height, chip)
    chips_height: float
    joined: tuple[bool, bool]
    footer_width: float | None
    footer_inline: bool  # the time and ticks fit beside the last line: no line of their own


def _chip_label(chip: ReactionChip) -> str:
    return f"{chip.emoji} {chip.count}"


def _chip_sizes(
    chips: list[ReactionChip], small: QFontMetricsF, max_width: float
) -> tuple[list[tuple[float, float, ReactionChip]], float]:
    """Each chip's size, and the height of the rows they wrap into under a bubble at most ``max_width``
    wide."""
    if not chips:
        return [], 0.0
    height = small.height() + 2 * CHIP_PAD_V
    sizes = [(small.horizontalAdvance(_chip_label(c)) + 2 * CHIP_PAD_H, height, c) for c in chips]
    rows, x = 1, 0.0
    for width, _, _ in sizes:
        if x and x + width > max_width:
            rows, x = rows + 1, 0.0
        x += width + CHIP_GAP
    return sizes, CHIPS_TOP + rows * height + (rows - 1) * CHIP_GAP


def _place_chips(
    sizes: list[tuple[float, float, ReactionChip]], bubble: QRectF, width: float, mine: bool
) -> list[tuple[QRectF, ReactionChip]]:
    """Rows under the bubble, from its left edge (theirs) or ending at its right edge (mine)."""
    if not sizes:
        return []
    max_width = max(bubble.width(), min(MAX_BUBBLE, width - 2 * SIDE_MARGIN))
    rows: list[list[tuple[float, float, ReactionChip]]] = [[]]
    x = 0.0
    for size in sizes:
        if rows[-1] and x + size[0] > max_width:
            rows.append([])
            x = 0.0
        rows[-1].append(size)
        x += size[0] + CHIP_GAP
    placed = []
    y = bubble.bottom() + CHIPS_TOP
    for row in rows:
        row_width = sum(w for w, _, _ in row) + CHIP_GAP * (len(row) - 1)
        x = bubble.right() - row_width if mine else bubble.left()
        x = max(SIDE_MARGIN, x)
        for chip_width, chip_height, chip in row:
            placed.append((QRectF(x, y, chip_width, chip_height), chip))
            x += chip_width + CHIP_GAP
        y += row[0][1] + CHIP_GAP
    return placed


def _has_rtl(text: str) -> bool:
    return not text.isascii() and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


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
    elif state == FAILED:  # retry only where it can work: a refused text would be refused again
        retry = index.data(MessageRole.RETRYABLE)
        parts = ["Not sent · click to retry" if retry else "Not sent · click for options"]
    elif index.data(MessageRole.IS_MINE) and not index.data(MessageRole.DELETED):
        seen = index.data(MessageRole.SEEN)
        parts.append(f"✓ {seen}" if seen else "✓")
    return " · ".join(p for p in parts if p)


def bubble_path(rect: QRectF, mine: bool, joined: tuple[bool, bool]) -> QPainterPath:
    """A rounded bubble whose corners on the sender's side are tighter where it joins a neighbour of the
    same group, so a group reads as one block (Telegram's and Signal's shape)."""
    above, below = joined
    top_side = JOINED_RADIUS if above else RADIUS
    bottom_side = JOINED_RADIUS if below else RADIUS
    # corners: top-left, top-right, bottom-right, bottom-left
    radii = (RADIUS, top_side, bottom_side, RADIUS) if mine else (top_side, RADIUS, RADIUS, bottom_side)
    limit = min(rect.width(), rect.height()) / 2
    tl, tr, br, bl = (min(r, limit) for r in radii)
    path = QPainterPath()
    path.moveTo(rect.left() + tl, rect.top())
    path.lineTo(rect.right() - tr, rect.top())
    path.arcTo(QRectF(rect.right() - 2 * tr, rect.top(), 2 * tr, 2 * tr), 90, -90)
    path.lineTo(rect.right(), rect.bottom() - br)
    path.arcTo(QRectF(rect.right() - 2 * br, rect.bottom() - 2 * br, 2 * br, 2 * br), 0, -90)
    path.lineTo(rect.left() + bl, rect.bottom())
    path.arcTo(QRectF(rect.left(), rect.bottom() - 2 * bl, 2 * bl, 2 * bl), 270, -90)
    path.lineTo(rect.left(), rect.top() + tl)
    path.arcTo(QRectF(rect.left(), rect.top(), 2 * tl, 2 * tl), 180, -90)
    path.closeSubpath()
    return path


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
        # The text selected in one bubble (the view sets it): the row and UTF-16 positions, start < end.
        self.selection: tuple[QPersistentModelIndex, int, int] | None = None
        self.flash: QPersistentModelIndex | None = None  # a message jumped to, highlighted for a moment
        # Search hits: the row's (start, end) UTF-16 ranges of its laid-out text to mark (set by the view;
        # drawn over the cached layout like the selection).
        self.highlight_ranges: Callable[[AnyIndex], list[tuple[int, int]]] | None = None
        # Whether the row is the find bar's current hit: its marks stay distinct after the flash ends.
        self.current_hit: Callable[[AnyIndex], bool] | None = None
        self._font_set: _FontSet | None = None

    def clear_caches(self) -> None:
        """The font changed (the view calls this): every height may be different now."""
        self._sizes.clear()
        self._layouts.clear()
        self._font_set = None

    def _measuring_fonts(self, base: QFont) -> _FontSet:
        """The fonts, the small font's metrics and the widest plain footer for ``base``, made once per
        font: sizeHint runs for every row, and building fonts and metrics is a good part of its cost."""
        cached = self._font_set
        if cached is not None and cached.base == base:
            return cached
        base = QFont(base)  # a copy: the option's own font dies with the option
        body, name, small = self._fonts(base)
        metrics = QFontMetricsF(small)
        bound = max(metrics.horizontalAdvance(s) for s in PLAIN_FOOTERS) * 1.25  # other locales' times
        name_height = QFontMetricsF(name).height()
        self._font_set = _FontSet(base, body, name, small, metrics, bound, name_height)
        return self._font_set

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
        fonts = self._measuring_fonts(option.font)
        body_font, name_font, small = fonts.body, fonts.name, fonts.small_metrics
        y = 0.0
        day_label = index.data(MessageRole.DAY_LABEL)
        day_rect = None
        if day_label:
            day_height = small.height() + DAY_HEIGHT_EXTRA
            day_rect = QRectF(0, 0, width, day_height)
            y += day_height
        if index.data(MessageRole.UNREAD_DIVIDER):
            y += unread_divider.height(fonts.small)
        sender = index.data(MessageRole.SENDER_NAME) or ""
        joined = index.data(MessageRole.GROUPING) or (False, False)
        y += ROW_GAP if joined[0] and not day_label else RUN_GAP

        mine = bool(index.data(MessageRole.IS_MINE))
        # In groups other people's bubbles leave room for their picture, shown beside the first of a run.
        gutter = GROUP_AVATAR + 6 if not mine and getattr(index.model(), "is_group", False) else 0.0
        max_bubble = min(MAX_BUBBLE, max(120.0, (width - 2 * SIDE_MARGIN - gutter) * BUBBLE_FRACTION))
        text_width = max_bubble - 2 * PADDING_H
        text = message_text.display_text(index.data(Qt.ItemDataRole.DisplayRole) or "")
        deleted = bool(index.data(MessageRole.DELETED)) or bool(index.data(MessageRole.HIDDEN))
        font = QFont(body_font)
        if deleted:
            font.setItalic(True)
        elif len(text) <= 12 * message_text.MAX_EMOJI:
            emoji = message_text.emoji_count(text)
            if emoji and font.pointSizeF() > 0:
                font.setPointSizeF(font.pointSizeF() * EMOJI_SCALE[emoji])
        attachments = index.data(MessageRole.ATTACHMENTS) or []
        files, files_width, files_height = attachment_painter.layout(attachments, text_width)
        if attachments and not text:
            layout, text_height, natural = QTextLayout(""), 0.0, 0.0  # files only: no empty line
        else:
            layout, text_height, natural = self._layout_text(text, font, text_width)
        if attachments and text:
            files_height += attachment_painter.GAP
        name_height = fonts.name_height + 2 if sender else 0.0
        name_height += forward_label.height(index, fonts.small)  # "Forwarded from …" under the name
        quote: Quote | None = index.data(MessageRole.QUOTE)
        quote_height = quote_width = 0.0
        if quote is not None:
            quote_height = 2 * small.height() + 2 * QUOTE_PAD + QUOTE_GAP
            widest = max(
                QFontMetricsF(name_font).horizontalAdvance(quote.sender), small.horizontalAdvance(quote.line)
            )
            quote_width = min(text_width, QUOTE_MAX_WIDTH, QUOTE_BAR + 2 * QUOTE_PAD + widest)
        chip_sizes, chips_height = _chip_sizes(
            index.data(MessageRole.REACTIONS) or [], QFontMetricsF(body_font), max_bubble
        )
        note_height = failure_note.height(index, fonts.small, text_width)
        footer_inline, footer_width = (
            (False, None) if note_height else self._footer_fits(index, text, layout, text_width, fonts)
        )  # a failure note goes between the text and the footer
        footer_height = 0.0 if footer_inline else small.height()
        bubble_height = (
            PADDING_V + name_height + quote_height + files_height + text_height + footer_height + PADDING_V
        )
        bubble_height += note_height
        return _Measure(
            y, day_rect, sender, mine, gutter, text_width, text, font, name_font, small, files, files_width,
            files_height, layout, text_height, natural, name_height, bubble_height, quote, quote_height,
            quote_width, chip_sizes, chips_height, joined, footer_width, footer_inline,
        )  # fmt: skip

    @staticmethod
    def _footer_fits(
        index: AnyIndex, text: str, layout: QTextLayout, text_width: float, fonts: _FontSet
    ) -> tuple[bool, float | None]:
        """(whether the time and ticks fit beside the last line, the footer's width if it was measured):
        measured only when the answer needs it, since sizeHint runs for every row."""
        if not layout.lineCount() or not text:
            return False, None
        last = layout.lineAt(layout.lineCount() - 1)
        slack = text_width - last.naturalTextWidth() - FOOTER_GAP
        if slack <= 0 or _has_rtl(text):  # right-to-left text ends where the time would go
            return False, None
        if slack >= fonts.plain_footer:
            message = index.data(MessageRole.MESSAGE)
            if message is None or (message.edited_at is None and message.state not in (SENDING, FAILED)):
                return True, None  # room for any plain footer: no need to measure this one
        width = fonts.small_metrics.horizontalAdvance(_footer_text(index))
        return width <= slack, width

    def _height(self, option: QStyleOptionViewItem, index: AnyIndex, width: float) -> float:
        """For sizeHint, asked for every row on each relayout: no footer, no second layout, nothing kept."""
        measure = self._measure(option, index, width)
        return measure.y + measure.bubble_height + measure.chips_height

    def _compute(self, option: QStyleOptionViewItem, index: AnyIndex, width: float) -> RowGeometry:
        m = self._measure(option, index, width)
        footer_width = m.footer_width
        if footer_width is None:
            footer_width = m.small.horizontalAdvance(_footer_text(index))
        if m.footer_inline:
            last = m.layout.lineAt(m.layout.lineCount() - 1)
            footer_width += last.naturalTextWidth() + FOOTER_GAP
        name_width = QFontMetricsF(m.name_font).horizontalAdvance(m.sender) if m.sender else 0.0
        failure = failure_note.lay_out(index, self._fonts(option.font)[2], m.text_width)
        note_width = failure.natural if failure is not None else 0.0
        name_width = max(name_width, forward_label.width(index, self._measuring_fonts(option.font).small))
        widest = max(m.natural, footer_width, name_width, m.files_width, m.quote_width, note_width, 24.0)
        inner = min(m.text_width, widest)
        layout = m.layout
        muted = bool(index.data(MessageRole.DELETED)) or bool(index.data(MessageRole.HIDDEN))
        links = [] if muted else message_text.find_links(m.text)
        if inner + 0.5 < m.text_width and m.text:
            # Lay out again at the bubble's width so right-to-left lines align to the bubble, not beyond it.
            # The lines break where they did (the width is at least the widest), so the height stays.
            layout, _, _ = self._layout_text(m.text, m.font, inner + 0.5)
        bubble_width = inner + 2 * PADDING_H
        y = m.y
        left = width - SIDE_MARGIN - bubble_width if m.mine else SIDE_MARGIN + m.gutter
        avatar_rect = QRectF(SIDE_MARGIN, y, GROUP_AVATAR, GROUP_AVATAR) if m.gutter and m.sender else None
        bubble = QRectF(left, y, bubble_width, m.bubble_height)
        quote_rect = None
        if m.quote is not None:
            quote_rect = QRectF(
                left + PADDING_H, y + PADDING_V + m.name_height, inner, m.quote_height - QUOTE_GAP
            )
        top = y + PADDING_V + m.name_height + m.quote_height
        files_origin = QPointF(left + PADDING_H, top)
        text_origin = QPointF(left + PADDING_H, top + m.files_height)
        footer_baseline = bubble.bottom() - PADDING_V - m.small.descent()
        return RowGeometry(
            height=y + m.bubble_height + m.chips_height,
            quote_rect=quote_rect,
            chips=_place_chips(m.chip_sizes, bubble, width, m.mine),
            day_rect=m.day_rect,
            bubble=bubble,
            name_height=m.name_height,
            text_layout=layout,
            text_origin=text_origin,
            footer_baseline=footer_baseline,
            joined=m.joined,
            files=m.files,
            files_origin=files_origin,
            avatar_rect=avatar_rect,
            links=links,
            failure=failure,
            unread_rect=self._unread_rect(index, m, width, self._measuring_fonts(option.font).small),
        )

    @staticmethod
    def _unread_rect(index: AnyIndex, m: _Measure, width: float, font: QFont) -> QRectF | None:
        if not index.data(MessageRole.UNREAD_DIVIDER):
            return None
        top = m.day_rect.bottom() if m.day_rect is not None else 0.0
        return QRectF(0, top, width, unread_divider.height(font))

    @staticmethod
    def _layout_text(text: str, font: QFont, width: float) -> tuple[QTextLayout, float, float]:
        """Plain text only: QTextLayout never interprets markup, so "<b>hi</b>" shows as typed. ``text`` is
        the displayed form (message_text.display_text): its line separators break lines, blank ones too."""
        layout = QTextLayout(text, font)
        text_option = QTextOption()
        text_option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        text_option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        text_option.setTabStopDistance(QFontMetricsF(font).horizontalAdvance(" ") * TAB_SPACES)
        layout.setTextOption(text_option)
        layout.setCacheEnabled(True)
        layout.beginLayout()
        height = natural = 0.0
        leading = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            if height:
                height += leading
            else:
                leading = round(line.height() * LINE_LEADING)
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
                # the older half goes (the rows of the window were measured last): no step remeasures all
                for stale in list(itertools.islice(self._sizes, len(self._sizes) // 2)):
                    del self._sizes[stale]
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

        if geometry.unread_rect is not None:
            unread_divider.paint(painter, geometry.unread_rect, small_font, palette)

        path = bubble_path(geometry.bubble, mine, geometry.joined)
        painter.fillPath(path, fill)
        flashing = self.flash is not None and self.flash.isValid() and self.flash.row() == index.row()
        if flashing:
            glow = QColor(palette.color(palette.ColorRole.Highlight))
            glow.setAlphaF(0.35)
            painter.fillPath(path, glow)
        if flashing or (
            option.state & QStyle.StateFlag.State_HasFocus and option.state & QStyle.StateFlag.State_Selected
        ):
            painter.setPen(QPen(palette.color(palette.ColorRole.Highlight), 2 if flashing else 1))
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

        forward_height = forward_label.height(index, small_font)
        if forward_height:
            bottom = bubble.top() + PADDING_V + geometry.name_height
            room = QRectF(
                bubble.left() + PADDING_H,
                bottom - forward_height,
                bubble.width() - 2 * PADDING_H,
                forward_height,
            )
            forward_label.paint(painter, index, room, small_font, palette)
        if geometry.quote_rect is not None:
            quote = index.data(MessageRole.QUOTE)
            self._paint_quote(painter, geometry.quote_rect, quote, name_font, small_font, palette, fill)
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
        geometry.text_layout.draw(painter, geometry.text_origin, self._overlays(geometry, index, palette))

        painter.setFont(small_font)
        state = index.data(MessageRole.STATE)
        failed_color = failure_note.text_color(palette, fill, text_color)
        if geometry.failure is not None:
            top = failure_note.footer_top(bubble.bottom(), PADDING_V, QFontMetricsF(small_font))
            origin = QPointF(bubble.left() + PADDING_H, top - geometry.failure.height)
            failure_note.paint(painter, geometry.failure, origin, failed_color)
        painter.setPen(failed_color if state == FAILED else secondary)
        footer = _footer_text(index)
        footer_width = QFontMetricsF(small_font).horizontalAdvance(footer)
        painter.drawText(QPointF(bubble.right() - PADDING_H - footer_width, geometry.footer_baseline), footer)
        for rect, chip in geometry.chips:
            self._paint_chip(painter, rect, chip, option.font, palette)
        painter.restore()

    @staticmethod
    def _paint_quote(
        painter: QPainter,
        rect: QRectF,
        quote: Quote,
        name_font: QFont,
        small_font: QFont,
        palette,
        bubble_fill: QColor,
    ) -> None:
        """The quoted sender in their colour over the quote's line, beside an accent bar; plain text."""
        fill, accent, line_color = palette_colors.quote_colors(palette, quote.sender_id, bubble_fill)
        path = QPainterPath()
        path.addRoundedRect(rect, 4, 4)
        painter.fillPath(path, fill)
        painter.fillRect(QRectF(rect.left(), rect.top(), QUOTE_BAR, rect.height()), accent)
        text_left = rect.left() + QUOTE_BAR + QUOTE_PAD
        width = rect.right() - QUOTE_PAD - text_left
        small = QFontMetricsF(small_font)
        name = QFont(name_font)
        name.setPointSizeF(small_font.pointSizeF())
        painter.setFont(name)
        painter.setPen(accent)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextSingleLine
        top = rect.top() + QUOTE_PAD
        elided = QFontMetricsF(name).elidedText(quote.sender, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRectF(text_left, top, width, small.height()), flags, elided)
        line_font = QFont(small_font)
        line_font.setItalic(quote.deleted)
        painter.setFont(line_font)
        painter.setPen(line_color)
        line = QFontMetricsF(line_font).elidedText(quote.line, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRectF(text_left, top + small.height(), width, small.height()), flags, line)

    @staticmethod
    def _paint_chip(painter: QPainter, rect: QRectF, chip: ReactionChip, font: QFont, palette) -> None:
        """Mine stand out in the highlight colour, as in Telegram and Element."""
        highlight = palette.color(palette.ColorRole.Highlight)
        base = palette_colors.their_bubble(palette)[0]
        fill = palette_colors.mix(base, highlight, 0.35) if chip.mine else base
        path = QPainterPath()
        path.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.fillPath(path, fill)
        if chip.mine:
            painter.setPen(highlight)
            painter.drawPath(path)
        painter.setFont(font)
        painter.setPen(palette.color(palette.ColorRole.Text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, _chip_label(chip))

    def _overlays(self, geometry: RowGeometry, index: AnyIndex, palette) -> list[QTextLayout.FormatRange]:
        """Links underlined in the palette's link colour, then the selection: drawn over the plain text, so
        the cached layout does not depend on the palette or the selection."""
        ranges = []
        for link in geometry.links:
            link_range = QTextLayout.FormatRange()
            link_range.start, link_range.length = link.start, link.end - link.start
            link_format = QTextCharFormat()
            mine = bool(index.data(MessageRole.IS_MINE))
            link_format.setForeground(palette_colors.link_color(palette, mine))
            link_format.setFontUnderline(True)
            link_range.format = link_format
            ranges.append(link_range)
        mentioned = index.data(MessageRole.MENTION_NAME)
        for start, end in mention_ranges(geometry.text_layout.text(), mentioned) if mentioned else []:
            mention = QTextLayout.FormatRange()  # a mention of me, on a tint of the palette's highlight
            mention.start, mention.length = start, end - start
            mention_format = QTextCharFormat()
            mention_format.setBackground(palette_colors.mention_tint(palette))
            mention.format = mention_format
            ranges.append(mention)
        hits = self.highlight_ranges(index) if self.highlight_ranges is not None else []
        current = bool(hits) and self.current_hit is not None and self.current_hit(index)
        marker = palette_colors.current_search_hit(palette) if current else palette_colors.search_hit(palette)
        for start, end in hits:
            hit = QTextLayout.FormatRange()
            hit.start, hit.length = start, end - start
            hit_format = QTextCharFormat()
            hit_format.setBackground(marker)
            hit_format.setForeground(QColor("#1a1a1a"))  # dark on the yellow marker in either theme
            hit.format = hit_format
            ranges.append(hit)
        selection = self.selection
        if selection is not None and selection[0].isValid() and selection[0].row() == index.row():
            chosen = QTextLayout.FormatRange()
            chosen.start, chosen.length = selection[1], selection[2] - selection[1]
            chosen_format = QTextCharFormat()
            chosen_format.setBackground(palette.color(palette.ColorRole.Highlight))
            chosen_format.setForeground(palette.color(palette.ColorRole.HighlightedText))
            chosen.format = chosen_format
            ranges.append(chosen)
        return ranges

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

    def text_position(
        self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPointF, *, clamp: bool = False
    ) -> int | None:
        """The cursor position (UTF-16) in the text under ``pos`` (view coordinates), or None off the text;
        with ``clamp`` a point above or below the text gives its start or end (drag-selecting past it)."""
        geometry = self._geometry(option, index)
        layout = geometry.text_layout
        if not layout.text() or layout.lineCount() == 0:
            return None
        local = pos - QPointF(option.rect.topLeft()) - geometry.text_origin
        first, last = layout.lineAt(0), layout.lineAt(layout.lineCount() - 1)
        if local.y() < first.y():
            return 0 if clamp else None
        if local.y() >= last.y() + last.height():
            return len(layout.text()) if clamp else None  # len of a QString: UTF-16 units
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            if line.y() <= local.y() < line.y() + line.height():
                if not clamp and not line.naturalTextRect().adjusted(-2, 0, 2, 0).contains(
                    QPointF(local.x(), line.y() + 0.5)
                ):
                    return None
                return line.xToCursor(local.x(), QTextLine.CursorPosition.CursorBetweenCharacters)
        return None

    def link_at(
        self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPointF
    ) -> message_text.Link | None:
        """The link under ``pos`` (view coordinates), if any."""
        geometry = self._geometry(option, index)
        if not geometry.links:
            return None
        position = self.text_position(option, index, pos)
        if position is None:
            return None
        layout = geometry.text_layout
        line = layout.lineForTextPosition(position)
        local_x = (pos - QPointF(option.rect.topLeft()) - geometry.text_origin).x()
        for link in geometry.links:
            if link.start <= position <= link.end:
                # the character under the point, not just the gap beside it
                on = line.xToCursor(local_x, QTextLine.CursorPosition.CursorOnCharacter)
                if link.start <= on < link.end:
                    return link
        return None

    def layout_text(self, option: QStyleOptionViewItem, index: AnyIndex) -> str:
        """The text as laid out (line separators for line breaks), whose positions ``text_position`` gives."""
        return self._geometry(option, index).text_layout.text()

    def quote_at(self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPointF) -> bool:
        """Whether ``pos`` (view coordinates) is on the row's quote."""
        rect = self._geometry(option, index).quote_rect
        return rect is not None and rect.translated(option.rect.topLeft()).contains(pos)

    def chip_at(self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPointF) -> ReactionChip | None:
        """The reaction chip under ``pos`` (view coordinates), if any."""
        local = pos - QPointF(option.rect.topLeft())
        return next(
            (chip for rect, chip in self._geometry(option, index).chips if rect.contains(local)), None
        )

    def attachment_at(
        self, option: QStyleOptionViewItem, index: AnyIndex, pos: QPointF
    ) -> tuple[int, str] | None:
        """(file index, part) under ``pos`` in view coordinates: see attachment_painter.hit."""
        geometry = self._geometry(option, index)
        if not geometry.files:
            return None
        local = pos - QPointF(option.rect.topLeft()) - geometry.files_origin
        return attachment_painter.hit(geometry.files, index.data(MessageRole.ATTACHMENTS), local)
