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


MIN_TEXT_CONTRAST = 4.5  # WCAG AA for body text: every text role is held to it, in light and dark


def readable(color: QColor, *backgrounds: QColor, ratio: float = MIN_TEXT_CONTRAST) -> QColor:
    """``color`` moved towards black or white (away from the backgrounds) just far enough to reach ``ratio``
    on every one of them: the palette's own hue stays, only its shade gives where a theme is too soft."""
    if not backgrounds or min(contrast_ratio(color, b) for b in backgrounds) >= ratio:
        return color
    mean_lightness = sum(b.lightnessF() for b in backgrounds) / len(backgrounds)
    target = QColor("#000000") if mean_lightness >= 0.5 else QColor("#ffffff")
    best = color
    for step in range(1, 21):
        best = mix(color, target, step / 20)
        if min(contrast_ratio(best, b) for b in backgrounds) >= ratio:
            break
    return best


def readable_fill(fill: QColor, text: QColor, ratio: float = MIN_TEXT_CONTRAST) -> QColor:
    """``fill`` darkened (or lightened) until ``text`` reads on it: badges and the selected row, whose
    text is the palette's fixed HighlightedText."""
    if contrast_ratio(fill, text) >= ratio:
        return fill
    target = QColor("#000000") if text.lightnessF() >= 0.5 else QColor("#ffffff")
    best = fill
    for step in range(1, 21):
        best = mix(fill, target, step / 20)
        if contrast_ratio(best, text) >= ratio:
            break
    return best


def surfaces(palette: QPalette) -> tuple[QColor, ...]:
    """Every background quiet text is drawn on: the window, the list, both bubbles (and hover, which is
    the other person's bubble colour)."""
    return (
        palette.color(QPalette.ColorRole.Window),
        palette.color(QPalette.ColorRole.Base),
        their_bubble(palette)[0],
        my_bubble(palette)[0],
    )


def secondary_text(palette: QPalette) -> QColor:
    """Times, previews, subtitles, day pills: quieter than the text, still at least 4.5:1 wherever shown."""
    quiet = mix(palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base), 0.45)
    return readable(quiet, *surfaces(palette))


def error_color(palette: QPalette) -> QColor:
    wanted = QColor("#ff7b72") if is_dark(palette) else QColor("#c62828")
    return readable(wanted, *surfaces(palette))


def selection_fill(palette: QPalette) -> QColor:
    """The selected conversation's row: the accent, deep enough for the highlighted text (Fusion's default
    blue gives white only 3.4:1)."""
    return readable_fill(
        palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.HighlightedText)
    )


def badge_color(palette: QPalette) -> QColor:
    return selection_fill(palette)


def badge_text(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.HighlightedText)


def muted_badge(palette: QPalette) -> QColor:
    """A muted conversation's badge: grey, still readable under its count."""
    grey = QColor("#8b949e") if is_dark(palette) else QColor("#6e7781")
    return readable_fill(grey, badge_text(palette))


def person_hue(user_id: int) -> int:
    """The one hue a person wears everywhere (list, bubbles, header, profile, members), from their id."""
    return (user_id * 137) % 360


def sender_color(palette: QPalette, user_id: int) -> QColor:
    """A person's name in groups: their avatar's hue, light or dark enough to read on the bubble."""
    wanted = QColor.fromHsl(person_hue(user_id), 150, 170 if is_dark(palette) else 90)
    return readable(wanted, their_bubble(palette)[0], palette.color(QPalette.ColorRole.Base))


def quote_colors(palette: QPalette, user_id: int, bubble: QColor) -> tuple[QColor, QColor, QColor]:
    """(fill, name, line) of a quoted message inside a bubble: a tint of the quoted person's colour over the
    bubble, and their name and the quoted line readable on that tint (my accent bubble included)."""
    accent = sender_color(palette, user_id)
    fill = mix(bubble, accent, 0.12)
    return fill, readable(accent, fill), readable(secondary_text(palette), fill)


AVATAR_TEXT = QColor("#ffffff")


def avatar_color(key: int) -> QColor:
    """The disc behind a person's initials (key: their user id; a group's Conversation.avatar_key): white
    initials on it read at 4.5:1 in every hue, in light and dark themes alike."""
    return readable_fill(QColor.fromHsl(person_hue(key), 120, 95), AVATAR_TEXT)


def presence_color(state: str) -> QColor:
    """Green for online, amber for away: the colours people know from other chat apps."""
    return QColor("#2ea043") if state == "online" else QColor("#d29922")


def typing_color(palette: QPalette) -> QColor:
    """The "… is typing" text: the accent colour, readable on the base in either theme."""
    accent = palette.color(QPalette.ColorRole.Highlight)
    text = palette.color(QPalette.ColorRole.Text)
    return readable(mix(accent, text, 0.25 if is_dark(palette) else 0.1), *surfaces(palette))


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
    return fill, readable(text, fill)


def link_color(palette: QPalette, mine: bool) -> QColor:
    """Links in bubbles: the palette's link colour, lifted in dark themes (the default is a deep blue) and
    pulled towards the text on my accent-tinted bubbles so it still reads there."""
    link = palette.color(QPalette.ColorRole.Link)
    if is_dark(palette) and link.lightness() < 150:
        link = QColor("#6cb6ff")
    if mine:
        link = mix(link, palette.color(QPalette.ColorRole.Text), 0.3)
    fill = my_bubble(palette)[0] if mine else their_bubble(palette)[0]
    return readable(link, fill, palette.color(QPalette.ColorRole.Base))


def mention_tint(palette: QPalette) -> QColor:
    """Behind a mention of me in a bubble: the highlight colour, see-through so the text keeps its colour
    and contrast on either bubble."""
    tint = QColor(palette.color(QPalette.ColorRole.Highlight))
    tint.setAlphaF(0.45 if is_dark(palette) else 0.28)
    return tint


def search_hit(palette: QPalette) -> QColor:
    """The marker behind a search hit in a bubble: a highlighter's yellow, a little deeper in dark themes
    (the text on it is always dark)."""
    return QColor("#f2c230") if is_dark(palette) else QColor("#ffe066")


def current_search_hit(palette: QPalette) -> QColor:
    """The marker behind the find bar's current hit: orange beside the others' yellow (as browsers and
    Telegram mark the match gone to), still under dark text in either theme."""
    return QColor("#ff8c2e") if is_dark(palette) else QColor("#ff9f43")
