"""The desktop client over https:// and wss://, through the nginx sample with a test certificate."""

from __future__ import annotations

import shutil

import certifi
import pytest
from PySide6.QtCore import Qt

from desktop.models.roles import ConversationRole
from desktop.net.tls import CA_BUNDLE_ENV
from desktop.version import __version__
from tests.support.api import PASSWORD
from tests.support.nginx import Nginx, nginx_binary

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        nginx_binary() is None, reason="nginx is not installed (./test.sh installs it as root)"
    ),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for the test certificate"),
]


@pytest.fixture
def proxy(live_server, tmp_path):
    run_dir = tmp_path / "nginx-run"
    run_dir.mkdir()
    nginx = Nginx(run_dir, [live_server.port]).start()
    yield nginx
    nginx.stop()


def test_sign_in_and_live_events_over_https_verified_against_the_configured_ca(
    proxy, desktop_client, qtbot, monkeypatch
):
    monkeypatch.setenv(CA_BUNDLE_ENV, str(proxy.cert))
    # A stray REQUESTS_CA_BUNDLE (here: one that does not trust the test certificate) must not win.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    alice = desktop_client("alice", proxy.url)
    alice.app.start()
    assert not alice.login.insecure_warning.isVisible()
    alice.login.hide()
    alice.sign_in("alice", PASSWORD, register=True)
    alice.wait_online()  # the WebSocket hello arrived over wss:// through nginx
    bob = desktop_client("bob", proxy.url)
    bob.sign_in("bob", PASSWORD, register=True)
    bob.wait_online()

    alice.chat.start_direct(bob.chat.my_id)
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    conversation_id = alice.chat.state.open_conversation_id
    edit = alice.session.panel.composer.edit
    edit.setPlainText("over TLS, both ways")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(  # pushed to Bob over his wss:// socket
        lambda: (
            bob.chat.conversation_list.index(0, 0).data(ConversationRole.PREVIEW) == "over TLS, both ways"
        ),
        timeout=20000,
    )
    assert bob.chat.conversations.get(conversation_id) is not None

    settings = alice.session.settings_wiring.show()  # About is in the Settings window
    settings.about_button.click()
    dialog = alice.app.about_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=20000)
    assert dialog.title_label.text() == f"ChatIDK {__version__}"
    assert f"Server: {proxy.url}" in dialog.details_label.text()
    dialog.close()


def test_a_certificate_the_client_does_not_trust_is_refused(proxy, desktop_client, qtbot, monkeypatch):
    monkeypatch.delenv(CA_BUNDLE_ENV, raising=False)  # certifi's bundle: the throwaway CA is not in it
    client = desktop_client("alice", proxy.url)
    client.app.start()
    login = client.login
    login.set_registering(True)
    login.username_edit.setText("alice")
    login.password_edit.setText(PASSWORD)
    login.submit_button.click()
    qtbot.waitUntil(login.error_label.isVisible, timeout=20000)
    text = login.error_label.text()
    assert text.startswith(f"The server at {proxy.url} presented a certificate this computer does not trust")
    assert "Can't reach" not in text  # the address and the server are fine: only the trust is missing
    assert CA_BUNDLE_ENV in text  # and what to do about it
    assert client.app.chat_session is None
