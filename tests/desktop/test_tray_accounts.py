"""The tray menu's account list (from two accounts on, with unread counts; a pick names the account) and
the server address shown beside an account's name; the account in front is checked."""

from __future__ import annotations

from desktop.domain.server_address import server_host
from desktop.views.tray import TrayNotifier


def test_the_tray_menu_lists_two_accounts_or_more_and_a_pick_names_the_account(qtbot):
    tray = TrayNotifier(enabled=False)
    tray.set_accounts([("a", "Alice (@alice)", 2)])
    assert tray.account_actions == []  # one account: Open ChatIDK is that one
    tray.set_accounts([("a", "Alice (@alice)", 2), ("b", "Tom & Jerry (@tj)", 0)])
    assert [a.text() for a in tray.menu.actions() if not a.isSeparator()] == [
        "Open ChatIDK",
        "Alice (@alice) — 2 unread",
        "Tom && Jerry (@tj)",  # "&" is shown, not a mnemonic
        "Quit",
    ]
    with qtbot.waitSignal(tray.account_requested, timeout=5000) as picked:
        tray.account_actions[1].trigger()
    assert picked.args == ["b"]
    tray.set_accounts([("a", "Alice (@alice)", 0), ("b", "Tom & Jerry (@tj)", 0)])
    assert len(tray.account_actions) == 2  # rebuilt, not added to


def test_the_server_is_shown_by_its_host_and_port():
    assert server_host("https://chat.example.org/") == "chat.example.org"
    assert server_host("http://127.0.0.1:5001") == "127.0.0.1:5001"
    assert server_host("chat.example.org:8443") == "chat.example.org:8443"
    assert server_host("https://user@chat.example.org") == "chat.example.org"


def test_the_account_in_front_is_the_one_checked_and_a_pick_of_it_keeps_the_mark(qtbot):
    tray = TrayNotifier(enabled=False)
    accounts = [("a", "Alice (@alice)", 2), ("b", "Bob (@bob)", 0), ("c", "Carol (@carol)", 1)]
    tray.set_accounts(accounts, "b")
    assert all(a.isCheckable() for a in tray.account_actions)
    assert [a.isChecked() for a in tray.account_actions] == [False, True, False]
    assert tray.account_group.isExclusive()  # Qt's mark of a choice of one
    with qtbot.waitSignal(tray.account_requested, timeout=5000) as picked:
        tray.account_actions[1].trigger()  # the one in front again: the window comes up, still checked
    assert picked.args == ["b"] and tray.account_actions[1].isChecked()
    tray.set_accounts(accounts, "c")  # another came to the front
    assert [a.isChecked() for a in tray.account_actions] == [False, False, True]
    assert tray.account_group.actions() == tray.account_actions  # the old ones left the group
    tray.set_accounts(accounts)  # none in front (all signing out): none checked
    assert not any(a.isChecked() for a in tray.account_actions)
