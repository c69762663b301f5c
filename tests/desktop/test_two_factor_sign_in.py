"""The sign-in window's code step against a real server with two-factor sign-in on: a pasted code, a
recovery code, and each refusal (wrong, replayed, used twice, used-up challenge, throttled)."""

from __future__ import annotations

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.controller.sign_in import CHALLENGE_EXPIRED, WRONG_CODE, WRONG_RECOVERY_CODE
from tests.support.api import PASSWORD
from tests.support.two_factor import turn_on_two_factor, unused_code, wrong_code

pytestmark = pytest.mark.slow


def password_step(client, qtbot, username: str = "alice") -> None:
    client.app.start()
    login = client.login
    login.username_edit.setText(username)
    login.password_edit.setText(PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(login.in_code_step, timeout=20000)
    qtbot.waitUntil(lambda: login.focusWidget() is login.code_step.code_edit, timeout=10000)


def refused(client, qtbot, message: str) -> None:
    step = client.login.code_step
    qtbot.waitUntil(lambda: step.error_label.isVisible(), timeout=20000)
    assert step.error_label.text() == message
    assert step.code_edit.text() == "" and client.login.in_code_step()
    assert client.app.chat_session is None


def test_a_pasted_code_signs_in_by_itself(live_server, users, desktop_client, qtbot):
    alice = users("alice")
    totp, _, _ = turn_on_two_factor(alice)
    client = desktop_client("alice", live_server.url)
    password_step(client, qtbot)
    assert client.login.heading.text() == "Two-factor sign-in"
    assert client.login.code_step.verify_button.isEnabled() is False
    code = unused_code(totp)
    QApplication.clipboard().setText(f" {code[:3]} {code[3:]}\n")  # as apps and mails copy it
    client.login.code_step.code_edit.paste()  # six digits: sent without pressing anything
    qtbot.waitUntil(lambda: client.app.chat_session is not None, timeout=30000)
    client.wait_online()
    sessions = alice.get("/sessions").json()["sessions"]
    assert sorted(str(s["second_factor"]) for s in sessions) == ["None", "totp"]
    devices = client.session.security.show_devices()  # which sign-ins went beyond the password
    qtbot.waitUntil(lambda: devices.tree.topLevelItemCount() == 2, timeout=20000)
    assert devices.tree.headerItem().text(4) == "Signed in with"
    this, other = devices.tree.topLevelItem(0), devices.tree.topLevelItem(1)
    assert this.text(0).endswith("(this device)") and this.text(4) == "password and code"
    assert other.text(0) == "tests" and other.text(4) == "password"


def test_wrong_and_replayed_codes_are_refused_then_the_right_one_works(
    live_server, users, desktop_client, qtbot
):
    totp, _, enabling = turn_on_two_factor(users("alice"))
    client = desktop_client("alice", live_server.url)
    password_step(client, qtbot)
    edit = client.login.code_step.code_edit
    qtbot.keyClicks(edit, wrong_code(totp))
    refused(client, qtbot, WRONG_CODE)
    qtbot.keyClicks(edit, enabling)  # its time step was used to turn two-factor sign-in on
    refused(client, qtbot, WRONG_CODE)
    assert client.login.focusWidget() is edit  # ready for the next try
    qtbot.keyClicks(edit, unused_code(totp))
    qtbot.waitUntil(lambda: client.app.chat_session is not None, timeout=30000)


def test_a_recovery_code_works_once(live_server, users, desktop_client, qtbot):
    _, recovery_codes, _ = turn_on_two_factor(users("alice"))
    client = desktop_client("alice", live_server.url)
    password_step(client, qtbot)
    step = client.login.code_step
    step.switch_button.setFocus()
    qtbot.keyClick(step.switch_button, Qt.Key.Key_Space)
    assert step.recovery and client.login.focusWidget() is step.code_edit
    qtbot.keyClicks(step.code_edit, recovery_codes[0].upper())  # letter case does not matter
    qtbot.keyClick(step.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.app.chat_session is not None, timeout=30000)
    devices = client.session.security.show_devices()
    qtbot.waitUntil(lambda: devices.tree.topLevelItemCount() == 2, timeout=20000)
    assert devices.tree.topLevelItem(0).text(4) == "password and recovery code"

    client.session.window.log_out_requested.emit()
    qtbot.waitUntil(lambda: client.login.isVisible(), timeout=20000)
    assert not client.login.in_code_step()
    password_step(client, qtbot)
    assert not step.recovery  # a new challenge starts with the app's code
    qtbot.keyClick(step.switch_button, Qt.Key.Key_Space)
    qtbot.keyClicks(step.code_edit, recovery_codes[0])
    qtbot.keyClick(step.code_edit, Qt.Key.Key_Return)
    refused(client, qtbot, WRONG_RECOVERY_CODE)


def test_a_used_up_challenge_goes_back_to_the_password(live_server, users, desktop_client, qtbot):
    totp, _, _ = turn_on_two_factor(users("alice"))
    client = desktop_client("alice", live_server.url)
    password_step(client, qtbot)
    challenge = client.app.sign_in._challenge[1]
    answer = requests.post(  # someone else finished this sign-in: the challenge works once
        f"{live_server.url}/api/v1/sessions/two-factor",
        json={"challenge": challenge, "code": unused_code(totp)},
        timeout=30,
    )
    assert answer.status_code == 201
    qtbot.keyClicks(client.login.code_step.code_edit, totp.now())
    login = client.login
    qtbot.waitUntil(lambda: not login.in_code_step(), timeout=20000)
    assert login.error_label.text() == CHALLENGE_EXPIRED and login.error_label.isVisible()
    assert login.password_edit.text() == "" and login.focusWidget() is login.password_edit
    assert login.heading.text() == "Sign in"


def test_back_to_the_password_drops_the_challenge(live_server, users, desktop_client, qtbot):
    turn_on_two_factor(users("alice"))
    client = desktop_client("alice", live_server.url)
    password_step(client, qtbot)
    step = client.login.code_step
    step.back_button.setFocus()
    qtbot.keyClick(step.back_button, Qt.Key.Key_Space)
    assert not client.login.in_code_step() and client.app.sign_in._challenge is None
    assert client.login.focusWidget() is client.login.password_edit


def test_throttled_codes_say_how_long_to_wait(live_server, users, desktop_client, qtbot):
    totp, _, _ = turn_on_two_factor(users("alice"))
    for _ in range(5):  # the account's free wrong codes, each on a fresh challenge
        challenge = requests.post(
            f"{live_server.url}/api/v1/sessions",
            json={"username": "alice", "password": PASSWORD},
            timeout=30,
        ).json()["challenge"]
        answer = requests.post(
            f"{live_server.url}/api/v1/sessions/two-factor",
            json={"challenge": challenge, "code": wrong_code(totp)},
            timeout=30,
        )
        assert answer.status_code == 401
    client = desktop_client("alice", live_server.url)
    password_step(client, qtbot)
    qtbot.keyClicks(client.login.code_step.code_edit, wrong_code(totp))
    step = client.login.code_step
    qtbot.waitUntil(lambda: step.error_label.isVisible(), timeout=20000)
    text = step.error_label.text()
    assert text.startswith("Too many wrong codes. Try again in ") and "second" in text
    assert client.login.in_code_step()
