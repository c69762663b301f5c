"""The reply, editing and pinned bars are one strip (ComposerStrip): the same icon, accent bar, two lines and
insets, each with its own icon; the composer's two have a ✕ that cancels, the pinned bar none; text is
plain, and a theme switch recolours them all."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.views import palette_colors
from desktop.views.composer_strip import ComposerStrip
from desktop.views.editing_bar import EditingBar
from desktop.views.pinned_bar import PinnedBar
from desktop.views.reply_bar import ReplyBar
from tests.desktop.palettes import dark_palette, light_palette


def _strips(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    reply, editing, pinned = ReplyBar(host), EditingBar(host), PinnedBar(host)
    reply.show_for("<b>Bob</b>", "hi <i>Alice</i>")
    editing.show_for("teh\n\nlastest")
    pinned.set_pins([(4, "meet at 9", [])])
    for strip in (reply, editing, pinned):
        strip.resize(400, strip.sizeHint().height())
    return host, reply, editing, pinned


def test_the_three_bars_share_one_strip(qtbot):
    _host, reply, editing, pinned = _strips(qtbot)
    strips = (reply, editing, pinned)
    assert all(isinstance(strip, ComposerStrip) for strip in strips)
    assert {strip.layout().contentsMargins().left() for strip in strips} == {10}
    assert len({strip.sizeHint().height() for strip in strips}) == 1  # one height: they look alike
    assert [strip._icon_name for strip in strips] == ["reply", "edit", "pin"]
    assert all(not strip.icon.pixmap().isNull() for strip in strips)
    assert (reply.title.text(), reply.snippet.text()) == ("Reply to <b>Bob</b>", "hi <i>Alice</i>")  # plain
    assert (editing.title.text(), editing.snippet.text()) == ("Editing", "teh lastest")
    assert (pinned.title.text(), pinned.snippet.text()) == ("Pinned message", "meet at 9")
    assert pinned.cancel_button is None
    assert reply.cancel_button is not None and reply.cancel_button.accessibleName() == "Cancel the reply"
    assert editing.cancel_button is not None and editing.cancel_button.accessibleName() == "Cancel editing"


def test_the_cross_cancels_and_a_theme_switch_recolours(qtbot):
    host, reply, editing, _pinned = _strips(qtbot)
    host.show()
    for strip in (reply, editing):
        assert strip.cancel_button is not None
        with qtbot.waitSignal(strip.cancelled, timeout=5000):
            qtbot.mouseClick(strip.cancel_button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    app = QApplication.instance()
    before = app.palette()
    try:
        for palette in (light_palette(), dark_palette()):
            app.setPalette(palette)
            accent = palette_colors.typing_color(reply.palette()).name()
            assert accent in reply.title.styleSheet() and accent in editing.title.styleSheet()
            assert reply.accent.palette().color(reply.accent.backgroundRole()).name() == accent
    finally:
        app.setPalette(before)
