"""Every text role reads at 4.5:1 or more on its background, in light and dark palettes (and KDE Breeze's
pale accent): computed from the palette functions the delegates paint with and from the widgets' own
colours, the way WCAG 2 defines the ratio."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.views import palette_colors as pc
from desktop.views.connection_banner import ConnectionBanner
from desktop.views.main_window import MainWindow
from tests.desktop.factories import conversation
from tests.desktop.palettes import PALETTES

R = QPalette.ColorRole
MIN = pc.MIN_TEXT_CONTRAST


def painted_pairs(p: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """(text, background) of every text the delegates and banners paint."""
    mine, mine_text = pc.my_bubble(p)
    theirs, their_text = pc.their_bubble(p)
    base, window = p.color(R.Base), p.color(R.Window)
    secondary = pc.secondary_text(p)
    pairs = {
        "bubble text, mine": (mine_text, mine),
        "bubble text, theirs": (their_text, theirs),
        "bubble time, mine": (secondary, mine),
        "bubble time, theirs": (secondary, theirs),
        "failed, on my bubble": (pc.error_color(p), mine),
        "link, mine": (pc.link_color(p, True), mine),
        "link, theirs": (pc.link_color(p, False), theirs),
        "day pill": (secondary, theirs),
        "list title": (p.color(R.Text), base),
        "list preview and time": (secondary, base),
        "list preview, hovered": (secondary, theirs),
        "list draft label": (pc.error_color(p), base),
        "list typing": (pc.typing_color(p), base),
        "selected row": (p.color(R.HighlightedText), pc.selection_fill(p)),
        "badge on the selected row": (pc.selection_fill(p), p.color(R.HighlightedText)),
        "unread badge": (pc.badge_text(p), pc.badge_color(p)),
        "muted badge": (pc.badge_text(p), pc.muted_badge(p)),
        "header subtitle": (secondary, window),
        "header typing": (pc.typing_color(p), window),
    }
    chip_mine = pc.mix(theirs, p.color(R.Highlight), 0.35)  # the bubble delegate's reaction chips
    pairs["reaction chip"] = (p.color(R.Text), theirs)
    pairs["search hit"] = (QColor("#1a1a1a"), pc.search_hit(p))  # the delegate's dark text on the marker
    pairs["current search hit"] = (QColor("#1a1a1a"), pc.current_search_hit(p))
    pairs["my reaction chip"] = (p.color(R.Text), chip_mine)
    for key in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233):  # hues all round the wheel
        for side, bubble in (("mine", mine), ("theirs", theirs)):
            fill, name, line = pc.quote_colors(p, key, bubble)
            pairs[f"quoted name {key}, {side}"] = (name, fill)
            pairs[f"quoted line {key}, {side}"] = (line, fill)
    for state in ("connecting", "updating", "offline"):
        fill, text = pc.connection_banner(p, state)
        pairs[f"banner, {state}"] = (text, fill)
    return pairs


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_every_painted_text_role_reaches_4_5_to_1(qapp, theme):
    failing = {
        name: round(pc.contrast_ratio(fg, bg), 2)
        for name, (fg, bg) in painted_pairs(PALETTES[theme]()).items()
        if pc.contrast_ratio(fg, bg) < MIN
    }
    assert failing == {}


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_names_and_initials_read_in_every_hue(qapp, theme):
    palette = PALETTES[theme]()
    theirs = pc.their_bubble(palette)[0]
    for key in range(-500, 500):  # people (positive ids) and groups (negative keys)
        assert pc.contrast_ratio(pc.avatar_color(key), pc.AVATAR_TEXT) >= MIN, key
        assert pc.contrast_ratio(pc.sender_color(palette, key), theirs) >= MIN, key


def test_readable_keeps_a_colour_that_already_reads_and_fixes_one_that_does_not(qapp):
    black, white = QColor("#000000"), QColor("#ffffff")
    assert pc.readable(black, white) == black
    pale = QColor("#bbbbbb")
    fixed = pc.readable(pale, white)
    assert pc.contrast_ratio(fixed, white) >= MIN and fixed.lightness() < pale.lightness()
    assert pc.contrast_ratio(pc.readable(QColor("#444444"), QColor("#202124")), QColor("#202124")) >= MIN
    assert pc.contrast_ratio(pc.readable_fill(QColor("#3daee9"), white), white) >= MIN


def widget_contrast(widget: QWidget, background: QWidget) -> float:
    """The widget's text colour as Qt would paint it (style sheet included) on the background's."""
    widget.ensurePolished()
    text = widget.palette().color(widget.foregroundRole())
    fill = background.palette().color(background.backgroundRole())
    return pc.contrast_ratio(text, fill)


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_the_windows_quiet_labels_read_on_their_background(qtbot, theme):
    app = QApplication.instance()
    before = app.palette()
    app.setPalette(PALETTES[theme]())
    try:
        source = ConversationListModel(my_id=1)
        source.reset([conversation(1)])
        proxy = ConversationFilterModel()
        proxy.setSourceModel(source)
        window = MainWindow(proxy)
        qtbot.addWidget(window)
        window.show()
        panel = window.chat_panel
        panel.set_header("Bob", "last seen today at 09:41", is_group=False)
        checks: dict[str, float] = {
            "placeholder": widget_contrast(window.placeholder, window),
            "header subtitle": widget_contrast(panel.subtitle_label, panel),
            "empty conversation": widget_contrast(panel.empty_hint.label, panel.messages.viewport()),
        }
        panel.set_header("Bob", "typing…", is_group=False, typing=True)
        checks["header typing"] = widget_contrast(panel.subtitle_label, panel)
        window.filter_edit.setText("nobody here")
        checks["nothing found"] = widget_contrast(window.empty_pane.text, window.empty_pane)
        window.filter_edit.clear()
        source.reset([])
        checks["welcome text"] = widget_contrast(window.empty_pane.text, window.empty_pane)
        checks["welcome title"] = widget_contrast(window.empty_pane.title, window.empty_pane)
        banner = ConnectionBanner(window)
        for state in ("connecting", "offline"):
            banner.set_state(state)
            fill, text = pc.connection_banner(window.palette(), state)
            checks[f"banner {state}"] = pc.contrast_ratio(fill, text)
        assert {name: round(ratio, 2) for name, ratio in checks.items() if ratio < MIN} == {}
        assert isinstance(panel.subtitle_label, QLabel) and panel.subtitle_label.isEnabled()
    finally:
        app.setPalette(before)
