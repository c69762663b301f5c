"""The item models: Qt model tester, merge rules (nothing twice), pending rows, older pages, sorting."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from desktop.domain.coverage import HistoryRun
from desktop.domain.records import FAILED, SENDING
from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.models.messages import DELETED_TEXT, MessageListModel
from desktop.models.roles import ConversationRole, MessageRole
from tests.desktop.factories import conversation, message

ME = 1


def make_model(confirmed, pending=(), *, group=False, loader=None) -> MessageListModel:
    model = MessageListModel(my_id=ME)
    model.show_conversation(
        1,
        is_group=group,
        names={1: "Me", 2: "Bob", 3: "Carol"},
        confirmed=confirmed,
        pending=pending,
        older_loader=loader,
    )
    return model


def texts(model: MessageListModel) -> list[str]:
    return [model.index(r).data() for r in range(model.rowCount())]


def test_message_model_passes_qt_model_tester(qtmodeltester):
    model = make_model([message(s) for s in range(1, 20)], [message(None, sender_id=ME, text="out")])
    qtmodeltester.check(model)


def test_merge_replaces_by_seq_and_never_duplicates(qtmodeltester):
    model = make_model([message(1), message(2)])
    model.merge([message(2, text="edited two"), message(3), message(3)])
    assert texts(model) == ["message 1", "edited two", "message 3"]
    model.merge([message(5)])  # a gap is fine; 4 slots in between when it comes
    model.merge([message(4)])
    assert [model.index(r).data(MessageRole.SEQ) for r in range(5)] == [1, 2, 3, 4, 5]
    qtmodeltester.check(model)


def test_merge_ignores_other_conversations():
    model = make_model([message(1)])
    model.merge([message(2, conversation_id=99)])
    assert model.rowCount() == 1


def test_pending_row_is_confirmed_in_place_by_client_id():
    pending = message(None, sender_id=ME, text="hello", state=SENDING, client_id="c-1")
    model = make_model([message(1)], [pending])
    assert model.index(1).data(MessageRole.STATE) == SENDING
    model.merge([message(2, sender_id=ME, text="hello", client_id="c-1")])
    assert model.rowCount() == 2
    assert model.index(1).data(MessageRole.SEQ) == 2
    assert model.index(1).data(MessageRole.STATE) == "sent"


def test_someone_elses_message_goes_before_my_pending_ones():
    pending = message(None, sender_id=ME, text="mine", client_id="c-1")
    model = make_model([message(1)], [pending])
    model.merge([message(2, text="theirs")])
    assert texts(model) == ["message 1", "theirs", "mine"]


def test_failed_state_and_removal():
    model = make_model([], [message(None, sender_id=ME, client_id="c-1")])
    model.set_pending_state("c-1", FAILED, "text: must not be empty")
    assert model.index(0).data(MessageRole.STATE) == FAILED
    assert "must not be empty" in model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    model.remove_pending("c-1")
    assert model.rowCount() == 0


def test_tombstone_and_edited_roles():
    model = make_model([message(1, deleted=True, text=None), message(2, edited_at=message(9).created_at)])
    assert model.index(0).data() == DELETED_TEXT
    assert model.index(0).data(MessageRole.DELETED) is True
    assert model.index(1).data(MessageRole.EDITED) is True


def test_day_separators_and_sender_names_in_groups():
    rows = [
        message(1, sender_id=2, minutes=0),
        message(2, sender_id=2, minutes=1),
        message(3, sender_id=3, minutes=2),
        message(4, sender_id=ME, minutes=3),
        message(5, sender_id=3, minutes=60 * 24 + 5),
    ]
    model = make_model(rows, group=True)
    days = [bool(model.index(r).data(MessageRole.DAY_LABEL)) for r in range(5)]
    names = [model.index(r).data(MessageRole.SENDER_NAME) for r in range(5)]
    assert days == [True, False, False, False, True]
    assert names == ["Bob", "", "Carol", "", "Carol"]
    direct = make_model(rows, group=False)
    assert all(direct.index(r).data(MessageRole.SENDER_NAME) == "" for r in range(5))


def test_fetch_more_only_when_armed_then_from_loader_then_server(qtbot):
    cached = {s: message(s) for s in range(1, 11)}

    def loader(before_seq: int, limit: int) -> HistoryRun:
        run = [cached[s] for s in range(max(6, before_seq - limit), before_seq) if s in cached]
        return HistoryRun(run, run[0].confirmed_seq if run else before_seq)

    model = make_model([message(s) for s in range(15, 21)], loader=loader)
    model.page_size = 5
    assert not model.canFetchMore(QModelIndex())  # not armed: Qt's own "last row visible" fetch does nothing
    model.set_older_wanted(True)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.oldest_seq() == 10
    model.fetchMore(QModelIndex())
    assert model.oldest_seq() == 6
    with qtbot.waitSignal(model.older_wanted_from_server, timeout=20000) as blocker:
        model.fetchMore(QModelIndex())
    assert blocker.args == [6]
    assert not model.canFetchMore(QModelIndex())  # waiting for the server
    model.prepend_older([message(s) for s in range(1, 6)])
    assert model.oldest_seq() == 1
    assert not model.canFetchMore(QModelIndex())


def test_older_message_than_shown_is_left_to_fetch_more():
    model = make_model([message(s) for s in range(10, 13)])
    model.merge([message(3)])
    assert model.oldest_seq() == 10


def test_conversation_model_passes_qt_model_tester(qtmodeltester):
    model = ConversationListModel(my_id=ME)
    model.reset([conversation(1, minutes=1), conversation(2, kind="group", title="Climbing", minutes=5)])
    qtmodeltester.check(model)
    proxy = ConversationFilterModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_conversation_list_sorts_by_activity_filters_and_counts_unread():
    model = ConversationListModel(my_id=ME)
    proxy = ConversationFilterModel()
    proxy.setSourceModel(model)
    totals: list[int] = []
    model.total_unread_changed.connect(totals.append)
    model.reset(
        [
            conversation(1, members=((1, "Me"), (2, "Bob")), minutes=1),
            conversation(2, kind="group", title="Climbing", members=((1, "Me"), (3, "Carol")), minutes=5),
        ]
    )
    assert [proxy.index(r, 0).data() for r in range(2)] == ["Climbing", "Bob"]
    model.apply_message(
        message(1, conversation_id=1, sender_id=2, text="hi  there", minutes=10), counts_as_unread=True
    )
    assert [proxy.index(r, 0).data() for r in range(2)] == ["Bob", "Climbing"]
    top = proxy.index(0, 0)
    assert top.data(ConversationRole.UNREAD) == 1
    assert top.data(ConversationRole.PREVIEW) == "hi there"
    assert totals[-1] == 1
    model.set_read(1, 1, 0)
    assert totals[-1] == 0
    proxy.set_filter_text("carol")  # a member's name finds the group
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data() == "Climbing"
    proxy.set_filter_text("")
    assert proxy.rowCount() == 2


def test_my_own_message_previews_with_you_and_does_not_count_unread():
    model = ConversationListModel(my_id=ME)
    model.reset([conversation(1)])
    model.apply_message(message(1, sender_id=ME, text="hello"), counts_as_unread=True)
    index = model.index(0)
    assert index.data(ConversationRole.PREVIEW) == "You: hello"
    assert index.data(ConversationRole.UNREAD) == 0
