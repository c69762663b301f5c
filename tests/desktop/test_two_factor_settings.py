"""Account menu → Two-factor sign-in through the real dialog against a real server: setting it up with the
QR code and key, the recovery codes shown once (copied, saved), new codes voiding old ones, turning it off."""

from __future__ import annotations

import pyotp
import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.controller.sign_in import WRONG_CODE
from tests.support.api import PASSWORD
from tests.support.two_factor import turn_on_two_factor, wrong_code

pytestmark = pytest.mark.slow


def open_dialog(client, qtbot):
    settings = client.session.settings_wiring.show()  # Settings → Security
    settings.show_page("Security")
    settings.security.two_factor_button.click()
    dialog = client.session.security.account_dialogs["two_factor"]
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is not dialog.loading, timeout=20000)
    return dialog


def recovery_refused(server, code: str) -> bool:
    challenge = requests.post(
        f"{server.url}/api/v1/sessions", json={"username": "alice", "password": PASSWORD}, timeout=30
    ).json()["challenge"]
    answer = requests.post(
        f"{server.url}/api/v1/sessions/two-factor",
        json={"challenge": challenge, "recovery_code": code},
        timeout=30,
    )
    return answer.status_code == 401


def test_setting_it_up_with_the_key_and_keeping_the_codes(
    live_server, users, desktop_client, qtbot, tmp_path
):
    alice = users("alice")
    client = desktop_client("alice", live_server.url)
    client.sign_in("alice", PASSWORD)
    dialog = open_dialog(client, qtbot)
    assert dialog.pages.currentWidget() is dialog.off_page
    assert dialog.focusWidget() is dialog.off_password_edit

    qtbot.keyClicks(dialog.off_password_edit, "not my password")
    qtbot.keyClick(dialog.off_password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible, timeout=20000)
    assert dialog.message.text() == "That password is not right."
    dialog.off_password_edit.setText(PASSWORD)
    qtbot.keyClick(dialog.off_password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.setup_page, timeout=20000)
    assert not dialog.qr_label.pixmap().isNull() and dialog.qr_label.pixmap().width() >= 150
    assert dialog.focusWidget() is dialog.setup_code_edit
    dialog.copy_key_button.click()
    secret = QApplication.clipboard().text()
    assert secret == dialog.key_label.text().replace(" ", "") and len(secret) >= 16
    assert alice.get("/me/two-factor").json()["pending"] is True
    totp = pyotp.TOTP(secret)

    qtbot.keyClicks(dialog.setup_code_edit, wrong_code(totp))  # six digits: sent by themselves
    qtbot.waitUntil(dialog.message.isVisible, timeout=20000)
    assert dialog.message.text() == "That code is not right. Type the code your app shows now."
    assert dialog.pages.currentWidget() is dialog.setup_page and dialog.setup_code_edit.text() == ""
    assert alice.get("/me/two-factor").json()["enabled"] is False
    code = totp.now()
    QApplication.clipboard().setText(f"{code[:3]} {code[3:]}")
    dialog.setup_code_edit.paste()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.codes_page, timeout=20000)
    assert len(dialog.recovery_codes) == 10
    assert all(c in dialog.codes_label.text() for c in dialog.recovery_codes)
    assert alice.get("/me/two-factor").json()["enabled"] is True

    dialog.copy_codes_button.click()
    assert QApplication.clipboard().text().split() == dialog.recovery_codes
    saved = tmp_path / "codes.txt"
    dialog.save_codes_to(saved)
    assert all(c in saved.read_text() for c in dialog.recovery_codes)
    assert saved.stat().st_mode & 0o777 == 0o600
    dialog.save_codes_to(tmp_path / "no such folder" / "codes.txt")
    assert dialog.message.text().startswith("Could not save the codes:")

    qtbot.keyClick(dialog.codes_done_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.on_page, timeout=20000)
    assert "10 recovery codes left" in dialog.on_status.text()
    assert dialog.recovery_codes == [] and dialog.codes_label.text() == ""  # shown once


def test_new_codes_void_the_old_ones_and_turning_it_off_needs_password_and_code(
    live_server, users, desktop_client, qtbot
):
    alice = users("alice")
    client = desktop_client("alice", live_server.url)
    client.sign_in("alice", PASSWORD)
    totp, old_codes, enabling = turn_on_two_factor(alice)
    dialog = open_dialog(client, qtbot)
    assert dialog.pages.currentWidget() is dialog.on_page
    assert "10 recovery codes left" in dialog.on_status.text()
    assert not dialog.new_codes_button.isEnabled() and not dialog.turn_off_button.isEnabled()

    dialog.on_password_edit.setText("not my password")
    dialog.new_codes_button.click()
    qtbot.waitUntil(dialog.message.isVisible, timeout=20000)
    assert dialog.message.text() == "That password is not right."
    dialog.on_password_edit.setText(PASSWORD)
    dialog.new_codes_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.codes_page, timeout=20000)
    new_codes = list(dialog.recovery_codes)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert dialog.codes_text.text().startswith("Your earlier recovery codes no longer work.")
    assert recovery_refused(live_server, old_codes[0])
    dialog.codes_done_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.on_page, timeout=20000)

    qtbot.keyClicks(dialog.on_password_edit, PASSWORD)
    qtbot.keyClick(dialog.on_password_edit, Qt.Key.Key_Return)  # on to the code field
    assert dialog.focusWidget() is dialog.off_code_edit
    for refused in (wrong_code(totp), enabling):  # wrong, then the replayed enabling code
        qtbot.keyClicks(dialog.off_code_edit, refused)
        qtbot.keyClick(dialog.off_code_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(dialog.message.isVisible, timeout=20000)
        assert dialog.message.text() == WRONG_CODE
        assert dialog.off_code_edit.text() == "" and dialog.focusWidget() is dialog.off_code_edit
        assert alice.get("/me/two-factor").json()["enabled"] is True
        dialog.message.hide()
    dialog.on_password_edit.setText(PASSWORD)
    dialog.use_recovery_button.click()
    assert dialog.recovery and dialog.focusWidget() is dialog.off_code_edit
    qtbot.keyClicks(dialog.off_code_edit, new_codes[3])
    qtbot.keyClick(dialog.off_code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.pages.currentWidget() is dialog.off_page, timeout=20000)
    assert dialog.message.text().startswith("Two-factor sign-in is off.")
    assert alice.get("/me/two-factor").json()["enabled"] is False
    answer = requests.post(  # the password alone signs in again
        f"{live_server.url}/api/v1/sessions", json={"username": "alice", "password": PASSWORD}, timeout=30
    )
    assert answer.status_code == 201
