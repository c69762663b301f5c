"""Network strings where Qt would guess at rich text: tooltips (and notification bodies) carry them escaped.

Qt shows a tooltip as rich text whenever it *looks* like markup, and there is no plain-text switch for
tooltips; so every tooltip holding someone else's text is handed over as explicit, escaped rich text: what
is shown is exactly the characters sent, ``<b>`` and ``&lt;`` included."""

from __future__ import annotations

import html


def escaped_markup(text: str) -> str:
    """The text with every markup character escaped, line breaks kept as breaks."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def plain_tooltip(text: str) -> str:
    """A tooltip that reads exactly ``text`` (empty stays empty: no tooltip)."""
    return f"<p style='white-space:pre-wrap'>{escaped_markup(text)}</p>" if text else ""


def notification_body(text: str, *, reads_markup: bool) -> str:
    """A notification's body as handed to the platform. Freedesktop notification servers (and Qt's own
    balloon on X11) read the body as markup, so there it is escaped; elsewhere it is plain already."""
    return html.escape(text, quote=False) if reads_markup else text
