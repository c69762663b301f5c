"""Bubble and badge colours derived from the current palette, so light and dark themes both read well."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of b over a."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def my_bubble(palette: QPalette) -> tuple[QColor, QColor]:
    """(fill, text) for my messages: the accent colour, softened so long threads stay calm."""
    accent = palette.color(QPalette.ColorRole.Highlight)
    base = palette.color(QPalette.ColorRole.Base)
    fill = mix(accent, base, 0.55 if is_dark(palette) else 0.72)
    return fill, palette.color(QPalette.ColorRole.Text)


def their_bubble(palette: QPalette) -> tuple[QColor, QColor]:
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    return mix(base, text, 0.12 if is_dark(palette) else 0.07), text


def secondary_text(palette: QPalette) -> QColor:
    return mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.45)


def error_color(palette: QPalette) -> QColor:
    return QColor("#ff7b72") if is_dark(palette) else QColor("#c62828")


def badge_color(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.Highlight)


def muted_badge(palette: QPalette) -> QColor:
    """A muted conversation's badge: grey, still readable under its white count."""
    return QColor("#8b949e") if is_dark(palette) else QColor("#6e7781")


def sender_color(palette: QPalette, user_id: int) -> QColor:
    """A stable per-person hue for names in groups, light or dark enough to read on the bubble."""
    hue = (user_id * 137) % 360
    return QColor.fromHsl(hue, 150, 170 if is_dark(palette) else 90)


def avatar_color(key: int) -> QColor:
    """Avatar discs carry white initials, so they stay mid-dark in light and dark themes alike."""
    return QColor.fromHsl((key * 137) % 360, 120, 95)


def presence_color(state: str) -> QColor:
    """Green for online, amber for away: the colours people know from other chat apps."""
    return QColor("#2ea043") if state == "online" else QColor("#d29922")


def typing_color(palette: QPalette) -> QColor:
    """The "… is typing" text: the accent colour, readable on the base in either theme."""
    accent = palette.color(QPalette.ColorRole.Highlight)
    text = palette.color(QPalette.ColorRole.Text)
    return mix(accent, text, 0.25 if is_dark(palette) else 0.1)


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21 (body text wants at least 4.5)."""

    def luminance(color: QColor) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(color.red()) + 0.7152 * channel(color.green()) + 0.0722 * channel(color.blue())
        )

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def connection_banner(palette: QPalette, state: str) -> tuple[QColor, QColor]:
    """(fill, text) of the banner on top of the list: a red tint when offline, the accent's while
    connecting or updating; the text is the window's own, well over 4.5:1 on either tint."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    tint = error_color(palette) if state == "offline" else palette.color(QPalette.ColorRole.Highlight)
    fill = mix(window, tint, 0.22 if is_dark(palette) else 0.16)
    return fill, text


def link_color(palette: QPalette, mine: bool) -> QColor:
    """Links in bubbles: the palette's link colour, lifted in dark themes (the default is a deep blue) and
    pulled towards the text on my accent-tinted bubbles so it still reads there."""
    link = palette.color(QPalette.ColorRole.Link)
    if is_dark(palette) and link.lightness() < 150:
        link = QColor("#6cb6ff")
    return mix(link, palette.color(QPalette.ColorRole.Text), 0.3) if mine else link


def search_hit(palette: QPalette) -> QColor:
    """The marker behind a search hit in a bubble: a highlighter's yellow, a little deeper in dark themes
    (the text on it is always dark)."""
    return QColor("#f2c230") if is_dark(palette) else QColor("#ffe066")
