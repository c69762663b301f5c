"""One colour per person, keyed by their user id, wherever their avatar is painted: the conversation list,
the chat header, the group's bubbles (and sender names in the same hue), the profile panel and the members
dialog; and my own avatar on the account button. Recorded from the real paint calls, against a real
server."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtWidgets import QApplication

from desktop.models.roles import ConversationRole, MessageRole
from desktop.views import avatars, palette_colors
from tests.desktop.pairs import signed_in_with_two_chats


def test_bob_wears_one_colour_everywhere_and_my_avatar_is_on_the_account_button(
    live_server, desktop_client, qtbot, monkeypatch
):
    painted: dict[str, set[int]] = defaultdict(set)
    real = avatars.paint_initials

    def recording(painter, rect, title, key, font):
        painted[title].add(key)
        real(painter, rect, title, key, font)

    monkeypatch.setattr(avatars, "paint_initials", recording)
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    try:
        bob_id = bob.get("/me").json()["user"]["id"]
        session, window = alice.session, alice.session.window

        top = window.window()  # the app's one window
        top.resize(1100, 700)
        top.show()
        qtbot.waitExposed(top)
        window.conversation_view.grab()  # the list paints Bob's 1:1 with Bob's colour
        model = window.conversation_view.model()
        keys = {
            model.index(r, 0).data(ConversationRole.ID): model.index(r, 0).data(ConversationRole.AVATAR_KEY)
            for r in range(model.rowCount())
        }
        assert keys[direct] == bob_id and keys[group] < 0  # a group never takes a person's colour

        alice.chat.open_conversation(direct)  # the header's disc
        qtbot.waitUntil(lambda: session.panel.avatar_label.isVisible(), timeout=10000)
        assert session.management.show_profile() is not None  # Bob's profile panel
        QApplication.processEvents()

        alice.chat.open_conversation(group)  # Bob's bubbles in the group
        qtbot.waitUntil(lambda: alice.chat.messages.rowCount() == 1, timeout=20000)
        message = alice.chat.messages.index(0).data(MessageRole.MESSAGE)
        assert message.sender_id == bob_id
        session.panel.messages.grab()
        members = session.show_members()
        assert members is not None
        assert session.management.show_profile() is not None  # the group's panel lists Bob too
        QApplication.processEvents()

        assert painted["Bob"] == {bob_id}, painted  # list, header, bubble, profile, members: one key
        assert (
            palette_colors.sender_color(window.palette(), bob_id).hslHue()
            == palette_colors.avatar_color(bob_id).hslHue()
        )

        button = window.account_button
        assert alice.chat.my_id in painted["Alice"]
        assert not button.icon().isNull() and button.text() == "Alice"
    finally:
        bob.session.close()
