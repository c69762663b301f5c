"""The account set, the per-account notifier and the avatar column on their own (no server): labels only
once there are several accounts, totals, who comes to the front when one goes, the five-account limit, a
notification's click carrying its account back."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.accounts.account_set import AccountSet
from desktop.accounts.layout import MAX_ACCOUNTS, credential_key
from desktop.accounts.notifier import AccountNotifier
from desktop.domain.account import Account
from desktop.views.account_column import AccountColumn, AccountEntry
from desktop.views.tray import HIDDEN_TEXT, TrayNotifier


class FakeSession(QObject):
    """What the account set reads of a ChatSession."""

    user_changed = Signal(dict)

    def __init__(self, url: str, user_id: int, username: str) -> None:
        super().__init__()
        self.account = Account(url, "token", {"id": user_id, "username": username})


def added(accounts: AccountSet, tray: TrayNotifier, url: str, user_id: int, username: str):
    session = FakeSession(url, user_id, username)
    notifier = AccountNotifier(tray, credential_key(url, user_id))
    accounts.add(session, notifier)  # type: ignore[arg-type]
    return session, notifier


def test_labels_totals_and_the_neighbour_in_front(qtbot):
    tray = TrayNotifier(enabled=False)
    accounts = AccountSet()
    alice, alice_notes = added(accounts, tray, "http://a", 1, "alice")
    alice_notes.notify(5, "Bob", "hi")
    assert tray.shown[-1] == (5, "Bob", "hi")  # one account: nothing to tell apart
    carol, carol_notes = added(accounts, tray, "http://b", 1, "carol")
    other_alice, other_notes = added(accounts, tray, "http://b", 2, "alice")
    assert (alice_notes.label, carol_notes.label, other_notes.label) == (
        "@alice on a",
        "@carol",
        "@alice on b",
    )
    carol_notes.notify(5, "Dave", "yo")
    assert tray.shown[-1] == (5, "Dave · @carol", "yo")
    with qtbot.waitSignal(tray.open_conversation_requested) as clicked:
        tray.click_last_notification()
    assert clicked.args == [credential_key("http://b", 1), 5]  # the click says whose conversation

    alice_notes.set_unread(2)
    with qtbot.waitSignal(accounts.total_unread_changed) as total:
        carol_notes.set_unread(3)
    assert accounts.total_unread == 5 and total.args == [5]
    assert accounts.unread_of(carol) == 3  # type: ignore[arg-type]

    accounts.switch_to(carol)  # type: ignore[arg-type]
    accounts.remove(carol)  # type: ignore[arg-type]
    assert accounts.current is other_alice and accounts.total_unread == 2  # the next one comes to the front
    assert alice_notes.label == "@alice on a"
    accounts.remove(other_alice)  # type: ignore[arg-type]
    assert accounts.current is alice and alice_notes.label == ""  # alone again: no label
    with qtbot.waitSignal(accounts.current_changed) as gone:
        accounts.remove(alice)  # type: ignore[arg-type]
    assert gone.args == [None] and accounts.current is None and len(accounts) == 0


def test_five_accounts_at_most_and_ctrl_digits_beyond_do_nothing(qtbot):
    tray = TrayNotifier(enabled=False)
    accounts = AccountSet()
    sessions = [added(accounts, tray, "http://a", n, f"user{n}")[0] for n in range(1, MAX_ACCOUNTS + 1)]
    assert accounts.full and MAX_ACCOUNTS == 5
    accounts.switch_to_index(4)
    assert accounts.current is sessions[4]
    accounts.switch_to_index(5)  # Ctrl+6 is no account's
    accounts.switch_to_index(-1)
    assert accounts.current is sessions[4]
    assert accounts.find("http://a", 3) is sessions[2] and accounts.find("http://b", 3) is None


def test_an_accounts_hidden_text_choice_is_its_own(qtbot):
    tray = TrayNotifier(enabled=False)
    notes = AccountNotifier(tray, "k")
    notes.set_show_text(False)
    notes.notify(1, "Bob", "the secret plan")
    assert tray.shown[-1] == (1, "Bob", HIDDEN_TEXT)
    AccountNotifier(tray, "j").notify(1, "Bob", "plain")
    assert tray.shown[-1] == (1, "Bob", "plain")


def test_the_column_shows_each_account_and_says_so_to_screen_readers(qtbot):
    column = AccountColumn()
    qtbot.addWidget(column)
    entries = [
        AccountEntry("Alice <b>", "alice", "http://a", 0, 1),
        AccountEntry("Carol", "carol", "http://b", 120, 2),
    ]
    column.set_accounts(entries, 0, can_add=True)
    column.show()
    assert [b.isChecked() for b in column.buttons] == [True, False]
    assert column.buttons[1].accessibleName() == "Carol (@carol), 120 unread"
    assert "Ctrl+2" in column.buttons[1].toolTip()
    assert "<b>" not in column.buttons[0].toolTip() or "&lt;b&gt;" in column.buttons[0].toolTip()
    with qtbot.waitSignal(column.chosen) as chosen:
        column.buttons[1].click()
    assert chosen.args == [1]
    column.set_accounts(entries[:1], 0, can_add=False)
    assert len(column.buttons) == 1 and not column.add_button.isEnabled()
    column.buttons[0].grab()  # paints (badge, ring, initials) without error
