"""Lays out, paints and hit-tests the files inside a chat bubble: image and video previews from the server's
thumbnails, audio with play/pause and progress, and file cards (icon, name, size) with upload or download
progress. Sizes come from the File metadata only, never from a loaded picture, so a row's height is known
before its preview arrives and the delegate's size cache stays valid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPalette, QPolygonF

from desktop.domain.attachments import AUDIO, FILE, IMAGE, VIDEO, Attachment
from desktop.models.attachment_media import AttachmentMedia
from desktop.models.file_labels import duration_label, human_size
from desktop.views import palette_colors

MAX_PREVIEW = 320.0
MIN_PREVIEW = 64.0
CARD_WIDTH = 280.0
CARD_HEIGHT = 52.0
ICON = 36.0
GAP = 6.0
PREVIEW_RADIUS = 8.0
BAR_HEIGHT = 4.0

# Hit-test parts
PREVIEW, PLAY, CANCEL, CARD = "preview", "play", "cancel", "card"


@dataclass
class Box:
    index: int
    rect: QRectF  # relative to the top-left of the attachments area
    kind: str


def _preview_size(attachment: Attachment, max_width: float) -> tuple[float, float]:
    width = float(attachment.thumb_width or 1)
    height = float(attachment.thumb_height or 1)
    limit = min(MAX_PREVIEW, max_width)
    scale = min(limit / width, MAX_PREVIEW / height, 1.0 if width >= MIN_PREVIEW else 4.0)
    return max(MIN_PREVIEW, width * scale), max(MIN_PREVIEW, height * scale)


def layout(attachments: list[Attachment], max_width: float) -> tuple[list[Box], float, float]:
    """Boxes stacked top to bottom; returns (boxes, width, height)."""
    boxes: list[Box] = []
    y = width = 0.0
    for i, attachment in enumerate(attachments):
        kind = attachment.kind
        if kind in (IMAGE, VIDEO):
            w, h = _preview_size(attachment, max_width)
        else:
            w, h = min(CARD_WIDTH, max_width), CARD_HEIGHT
        boxes.append(Box(i, QRectF(0, y, w, h), kind))
        y += h + GAP
        width = max(width, w)
    return boxes, width, max(0.0, y - GAP)


def hit(boxes: list[Box], attachments: list[Attachment], point: QPointF) -> tuple[int, str] | None:
    """Which file and which part of it is under ``point`` (relative to the attachments area)."""
    for box in boxes:
        if not box.rect.contains(point):
            continue
        attachment = attachments[box.index]
        if not attachment.uploaded:
            return (box.index, CANCEL) if _cancel_rect(box.rect).contains(point) else (box.index, CARD)
        if box.kind == AUDIO and _icon_rect(box.rect).contains(point):
            return box.index, PLAY
        return box.index, PREVIEW if box.kind in (IMAGE, VIDEO) else CARD
    return None


def _icon_rect(card: QRectF) -> QRectF:
    return QRectF(card.left() + 8, card.center().y() - ICON / 2, ICON, ICON)


def _cancel_rect(card: QRectF) -> QRectF:
    return QRectF(card.right() - 30, card.center().y() - 11, 22, 22)


def paint(
    painter: QPainter,
    origin: QPointF,
    boxes: list[Box],
    attachments: list[Attachment],
    *,
    palette: QPalette,
    font: QFont,
    small_font: QFont,
    media: AttachmentMedia | None,
    upload: tuple[int, float] | None,
    failed: bool,
) -> None:
    """``upload`` is (file index, fraction) of the upload in progress on a pending message."""
    painter.save()
    painter.translate(origin)
    for box in boxes:
        attachment = attachments[box.index]
        if box.kind in (IMAGE, VIDEO):
            _paint_preview(painter, box, attachment, palette, small_font, media)
        elif box.kind == AUDIO:
            _paint_audio(painter, box.rect, attachment, palette, font, small_font, media)
        else:
            progress = None
            if not attachment.uploaded and not failed:
                if upload is not None and upload[0] == box.index:
                    progress = upload[1]
                elif upload is not None and upload[0] > box.index:
                    progress = 1.0
                else:
                    progress = 0.0
            elif media is not None and attachment.id in media.downloads:
                progress = media.downloads[attachment.id]
            _paint_card(painter, box.rect, attachment, palette, font, small_font, progress, failed)
    painter.restore()


def _card_fill(palette: QPalette) -> QColor:
    return palette_colors.mix(
        palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.06
    )


def _paint_card(
    painter: QPainter,
    rect: QRectF,
    attachment: Attachment,
    palette: QPalette,
    font: QFont,
    small_font: QFont,
    progress: float | None,
    failed: bool,
) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, PREVIEW_RADIUS, PREVIEW_RADIUS)
    painter.fillPath(path, _card_fill(palette))
    icon = _icon_rect(rect)
    icon_path = QPainterPath()
    icon_path.addRoundedRect(icon, 6, 6)
    painter.fillPath(icon_path, palette_colors.avatar_color(sum(map(ord, _extension(attachment.name)))))
    label_font = QFont(small_font)
    label_font.setBold(True)
    painter.setFont(label_font)
    painter.setPen(Qt.GlobalColor.white)
    painter.drawText(icon, Qt.AlignmentFlag.AlignCenter, _extension(attachment.name)[:4] or "FILE")

    uploading = not attachment.uploaded
    right = rect.right() - (36 if uploading and not failed else 10)
    left = icon.right() + 10
    name_rect = _paint_name(painter, font, palette, attachment.name, left, right, rect.top() + 7)
    second = QRectF(left, name_rect.bottom() + 3, right - left, QFontMetricsF(small_font).height())
    painter.setFont(small_font)
    if failed and uploading:
        painter.setPen(palette_colors.error_color(palette))
        detail = f"{human_size(attachment.size)} · upload failed"
    elif progress is not None:
        done = int(attachment.size * progress)
        verb = "Uploading" if uploading else "Downloading"
        detail = f"{verb} {human_size(done)} of {human_size(attachment.size)}"
        painter.setPen(palette_colors.secondary_text(palette))
    else:
        detail = human_size(attachment.size)
        painter.setPen(palette_colors.secondary_text(palette))
    painter.drawText(second, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, detail)
    if progress is not None:
        _paint_bar(painter, QRectF(left, rect.bottom() - 7, right - left, BAR_HEIGHT), progress, palette)
    if uploading and not failed:
        _paint_cancel(painter, _cancel_rect(rect), palette)


def _paint_bar(painter: QPainter, rect: QRectF, fraction: float, palette: QPalette) -> None:
    track = QPainterPath()
    track.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.fillPath(
        track,
        palette_colors.mix(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.18
        ),
    )
    done = QRectF(
        rect.left(), rect.top(), max(rect.height(), rect.width() * min(1.0, fraction)), rect.height()
    )
    bar = QPainterPath()
    bar.addRoundedRect(done, rect.height() / 2, rect.height() / 2)
    painter.fillPath(bar, palette.color(QPalette.ColorRole.Highlight))


def _paint_cancel(painter: QPainter, rect: QRectF, palette: QPalette) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(
        palette_colors.mix(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.2
        )
    )
    painter.drawEllipse(rect)
    pen = painter.pen()
    pen.setStyle(Qt.PenStyle.SolidLine)
    pen.setColor(palette.color(QPalette.ColorRole.Text))
    pen.setWidthF(1.6)
    painter.setPen(pen)
    inset = rect.adjusted(7, 7, -7, -7)
    painter.drawLine(inset.topLeft(), inset.bottomRight())
    painter.drawLine(inset.topRight(), inset.bottomLeft())


def _paint_preview(
    painter: QPainter,
    box: Box,
    attachment: Attachment,
    palette: QPalette,
    small_font: QFont,
    media: AttachmentMedia | None,
) -> None:
    rect = box.rect
    path = QPainterPath()
    path.addRoundedRect(rect, PREVIEW_RADIUS, PREVIEW_RADIUS)
    pixmap = media.thumbnail(attachment.id) if media is not None and attachment.id else None
    if pixmap is None or pixmap.isNull():
        painter.fillPath(path, _card_fill(palette))
    else:
        painter.save()
        painter.setClipPath(path)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(rect, pixmap, QRectF(pixmap.rect()))
        painter.restore()
    if box.kind == VIDEO:
        _paint_play_disc(painter, QRectF(rect.center().x() - 24, rect.center().y() - 24, 48, 48), False)
        label = duration_label(attachment.duration_ms)
        if label:
            _paint_pill(painter, rect, label, small_font, bottom_right=True)
    elif attachment.content_type == "image/gif":
        _paint_pill(painter, rect, "GIF", small_font, bottom_right=False)
    if media is not None and attachment.id in media.downloads:
        bar = QRectF(rect.left() + 8, rect.bottom() - 12, rect.width() - 16, BAR_HEIGHT)
        _paint_bar(painter, bar, media.downloads[attachment.id], palette)


def _paint_pill(painter: QPainter, rect: QRectF, label: str, font: QFont, *, bottom_right: bool) -> None:
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance(label) + 12
    height = metrics.height() + 4
    x = rect.right() - width - 6 if bottom_right else rect.left() + 6
    y = rect.bottom() - height - 6 if bottom_right else rect.top() + 6
    pill = QRectF(x, y, width, height)
    path = QPainterPath()
    path.addRoundedRect(pill, height / 2, height / 2)
    painter.fillPath(path, QColor(0, 0, 0, 150))
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.white)
    painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)


def _paint_play_disc(painter: QPainter, disc: QRectF, playing: bool, fill: QColor | None = None) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill or QColor(0, 0, 0, 140))
    painter.drawEllipse(disc)
    painter.setBrush(Qt.GlobalColor.white)
    c, r = disc.center(), disc.width() / 2
    if playing:
        w, h = r * 0.22, r * 0.8
        painter.drawRect(QRectF(c.x() - w * 1.6, c.y() - h / 2, w, h))
        painter.drawRect(QRectF(c.x() + w * 0.6, c.y() - h / 2, w, h))
    else:
        triangle = QPolygonF(
            [
                QPointF(c.x() - r * 0.3, c.y() - r * 0.45),
                QPointF(c.x() - r * 0.3, c.y() + r * 0.45),
                QPointF(c.x() + r * 0.5, c.y()),
            ]
        )
        painter.drawPolygon(triangle)


def _paint_audio(
    painter: QPainter,
    rect: QRectF,
    attachment: Attachment,
    palette: QPalette,
    font: QFont,
    small_font: QFont,
    media: AttachmentMedia | None,
) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, PREVIEW_RADIUS, PREVIEW_RADIUS)
    painter.fillPath(path, _card_fill(palette))
    state = media.audio_for(attachment.id) if media is not None and attachment.id else None
    _paint_play_disc(
        painter, _icon_rect(rect), bool(state and state.playing), palette.color(QPalette.ColorRole.Highlight)
    )
    left = _icon_rect(rect).right() + 10
    right = rect.right() - 10
    name_rect = _paint_name(painter, font, palette, attachment.name, left, right, rect.top() + 7)
    duration = state.duration_ms if state and state.duration_ms else attachment.duration_ms
    position = state.position_ms if state else 0
    label = (
        duration_label(duration) if not state else f"{duration_label(position)} / {duration_label(duration)}"
    )
    if media is not None and attachment.id in media.downloads:
        label = "Loading…"
    painter.setFont(small_font)
    small = QFontMetricsF(small_font)
    label_width = small.horizontalAdvance(label) + 8
    second = QRectF(left, name_rect.bottom() + 3, right - left, small.height())
    painter.setPen(palette_colors.secondary_text(palette))
    painter.drawText(second, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
    fraction = position / duration if state and duration else 0.0
    bar = QRectF(
        left, second.center().y() - BAR_HEIGHT / 2, max(10.0, second.width() - label_width), BAR_HEIGHT
    )
    _paint_bar(painter, bar, fraction, palette)


def _extension(name: str) -> str:
    return PurePath(name).suffix.lstrip(".").upper()


__all__ = ["AUDIO", "CANCEL", "CARD", "FILE", "PLAY", "PREVIEW", "Box", "hit", "layout", "paint"]


def _paint_name(
    painter: QPainter, font: QFont, palette: QPalette, name: str, left: float, right: float, top: float
) -> QRectF:
    """The file's name on one line from ``left`` to ``right``, elided in the middle; returns where it went."""
    metrics = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorRole.Text))
    name_rect = QRectF(left, top, right - left, metrics.height())
    painter.drawText(
        name_rect,
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine,
        metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, name_rect.width()),
    )
    return name_rect
