"""Forgot password through the dialogs, against a real server that mails over real SMTP (aiosmtpd)."""

from __future__ import annotations

import pytest
import requests

from desktop.controller.password_reset import BAD_CODE, WEAK_PASSWORD
from tests.support.api import PASSWORD, ApiClient
from tests.support.server_process import free_port
from tests.support.smtp import SmtpInbox, code_in

pytestmark = pytest.mark.slow

NEW_PASSWORD = "a brand new passphrase"
ADDRESS = "alice@example.org"


@pytest.fixture
def inbox():
    inbox = SmtpInbox().start()
    yield inbox
    inbox.stop()


@pytest.fixture
def mailing_server(server_factory, inbox):
    return server_factory(
        extra_env={
            "CHATIDK_SMTP_HOST": "127.0.0.1",
            "CHATIDK_SMTP_PORT": str(inbox.port),
            "CHATIDK_SMTP_SECURITY": "none",
        }
    )


def confirm_address(user: ApiClient, inbox: SmtpInbox, address: str) -> None:
    assert (
        user.session.put(user.url + "/api/v1/me/email", json={"email": address}, timeout=30).status_code
        == 202
    )
    code = code_in(inbox.wait_for(address)[-1])
    assert user.post("/me/email/confirm", {"code": code}).status_code == 200


def open_reset_dialog(qtbot, client):
    client.app.start()
    login = client.login
    assert login.forgot_button.isVisible()
    login.username_edit.setText("")
    login.forgot_button.click()
    dialog = client.app.reset_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=20000)
    return dialog


def test_reset_by_username_through_the_dialogs(mailing_server, inbox, desktop_client, qtbot):
    alice = ApiClient(mailing_server.url, "alice")
    confirm_address(alice, inbox, ADDRESS)
    client = desktop_client("alice", mailing_server.url)
    dialog = open_reset_dialog(qtbot, client)

    assert dialog.pages.currentIndex() == 0
    assert not dialog.send_button.isEnabled()  # nothing typed yet
    dialog.login_edit.setText("alice")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=20000)
    assert "alice" in dialog.sent_label.text()
    qtbot.waitUntil(lambda: len(inbox.to(ADDRESS)) == 2, timeout=20000)
    code = code_in(inbox.to(ADDRESS)[-1])

    wrong = "00000000" if code != "00000000" else "11111111"
    dialog.code_edit.setText(wrong)
    dialog.new_password_edit.setText(NEW_PASSWORD)
    dialog.repeat_edit.setText(NEW_PASSWORD)
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=20000)
    assert dialog.error_label.text() == BAD_CODE
    assert dialog.reset_button.isEnabled()  # not busy any more: the user can try again

    dialog.code_edit.setText(code)
    dialog.new_password_edit.setText("short")
    dialog.repeat_edit.setText("short")
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.text() == WEAK_PASSWORD, timeout=20000)

    dialog.new_password_edit.setText(NEW_PASSWORD)
    dialog.repeat_edit.setText(NEW_PASSWORD + "!")
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.text() == "The two passwords are not the same.", timeout=20000)

    dialog.repeat_edit.setText(NEW_PASSWORD)
    dialog.reset_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    login = client.login
    assert login.username_edit.text() == "alice"
    assert "Your password was changed" in login.error_label.text()
    old_session = requests.get(
        mailing_server.url + "/api/v1/me", headers={"Authorization": f"Bearer {alice.token}"}, timeout=30
    )
    assert old_session.status_code == 401  # every session was signed out

    login.password_edit.setText(NEW_PASSWORD)
    login.submit_button.click()
    qtbot.waitUntil(lambda: client.app.chat_session is not None, timeout=20000)


def test_reset_by_email_and_used_code_refused(mailing_server, inbox, desktop_client, qtbot):
    alice = ApiClient(mailing_server.url, "alice")
    confirm_address(alice, inbox, ADDRESS)
    client = desktop_client("alice", mailing_server.url)
    dialog = open_reset_dialog(qtbot, client)
    dialog.login_edit.setText(ADDRESS)
    qtbot.keyClick(dialog.login_edit, "\r")  # Enter sends
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=20000)
    qtbot.waitUntil(lambda: len(inbox.to(ADDRESS)) == 2, timeout=20000)
    code = code_in(inbox.to(ADDRESS)[-1])
    dialog.code_edit.setText(code)
    dialog.new_password_edit.setText(NEW_PASSWORD)
    dialog.repeat_edit.setText(NEW_PASSWORD)
    qtbot.keyClick(dialog.repeat_edit, "\r")  # Enter confirms
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert "username named in the mail" in client.login.error_label.text()

    again = client.app.show_password_reset(mailing_server.url, ADDRESS)
    again.send_button.click()
    qtbot.waitUntil(lambda: again.pages.currentIndex() == 1, timeout=20000)
    again.code_edit.setText(code)  # the old code, already used
    again.new_password_edit.setText(PASSWORD)
    again.repeat_edit.setText(PASSWORD)
    again.reset_button.click()
    qtbot.waitUntil(lambda: again.error_label.text() == BAD_CODE, timeout=20000)
    assert dialog.error_label.isHidden()  # the closed dialog hears nothing more


def test_unknown_account_gets_the_same_answer_and_no_mail(mailing_server, inbox, desktop_client, qtbot):
    client = desktop_client("nobody", mailing_server.url)
    dialog = open_reset_dialog(qtbot, client)
    dialog.login_edit.setText("nobody-here")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=20000)
    assert not dialog.error_label.isVisible()
    assert inbox.messages == []


def test_server_unreachable_is_said_plainly(desktop_client, qtbot):
    dead = f"http://127.0.0.1:{free_port()}"
    client = desktop_client("offline", dead)
    dialog = open_reset_dialog(qtbot, client)
    dialog.login_edit.setText("alice")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=20000)
    assert dialog.error_label.text().startswith("Can't reach the server at " + dead)
    assert dialog.pages.currentIndex() == 0
