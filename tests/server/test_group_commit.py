"""Group commit (server/services/group_commit.py, send_batch.py): sends written together keep every rule.

Batches are made deterministic by holding the first batch until the others have queued behind it; no test
depends on timing.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import psycopg2.errors
import pytest

from server.db import messages as messages_db
from server.errors import ApiError, NotFound
from server.services import messages, send_batch
from server.services.group_commit import GroupCommit, Pending
from server.services.send_batch import SendRequest
from tests.server.conftest import User, assert_error
from tests.server.test_files import uploaded
from tests.support.wait import until

# ---- the group commit itself -------------------------------------------------------------------------------


class Gate:
    """A run_batch that records each batch and holds the first one until ``release``."""

    def __init__(self, run: Callable[[Sequence[Pending]], None] | None = None) -> None:
        self.batches: list[list] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        self._run = run

    def __call__(self, batch: Sequence[Pending]) -> None:
        self.batches.append([p.item for p in batch])
        if len(self.batches) == 1:
            self.first_started.set()
            assert self.release.wait(60)
        if self._run is not None:
            self._run(batch)
        else:
            for p in batch:
                p.succeed(p.item * 10)


def test_a_lone_item_runs_at_once_in_the_callers_own_thread():
    seen = []

    def run(batch):
        seen.append((threading.get_ident(), [p.item for p in batch]))
        for p in batch:
            p.succeed("done")

    commit: GroupCommit[int, str] = GroupCommit(run)
    assert commit.submit(1) == "done"
    assert seen == [(threading.get_ident(), [1])]


def test_items_that_queue_during_a_batch_run_together_in_the_next():
    gate = Gate()
    commit: GroupCommit[int, int] = GroupCommit(gate, max_batch=100)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(commit.submit, 0)
        assert gate.first_started.wait(60)
        rest = [pool.submit(commit.submit, n) for n in range(1, 6)]
        until(lambda: commit.waiting() == 5, timeout=60, what="five items queued")
        gate.release.set()
        assert first.result() == 0
        assert sorted(f.result() for f in rest) == [10, 20, 30, 40, 50]
    assert [sorted(b) for b in gate.batches] == [[0], [1, 2, 3, 4, 5]]


def test_a_batch_holds_at_most_max_batch_items():
    gate = Gate()
    commit: GroupCommit[int, int] = GroupCommit(gate, max_batch=2)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(commit.submit, 0)
        assert gate.first_started.wait(60)
        rest = [pool.submit(commit.submit, n) for n in range(1, 6)]
        until(lambda: commit.waiting() == 5, timeout=60, what="five items queued")
        gate.release.set()
        assert [first.result(), *(f.result() for f in rest)] == [0, 10, 20, 30, 40, 50]
    assert [len(b) for b in gate.batches] == [1, 2, 2, 1]


def test_a_failing_batch_fails_its_own_items_and_the_next_batch_still_runs():
    def run(batch):
        if any(p.item == "bad" for p in batch):
            raise ValueError("the database said no")
        for p in batch:
            p.succeed("ok")

    gate = Gate(run)
    commit: GroupCommit[str, str] = GroupCommit(gate)
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(commit.submit, "bad")
        assert gate.first_started.wait(60)
        later = pool.submit(commit.submit, "fine")
        until(lambda: commit.waiting() == 1, timeout=60, what="one item queued")
        gate.release.set()
        with pytest.raises(ValueError, match="said no"):
            first.result()
        assert later.result() == "ok"
    assert commit.submit("again") == "ok"


def test_an_item_given_no_outcome_is_an_error_not_a_silent_none():
    commit: GroupCommit[int, int] = GroupCommit(lambda batch: None)
    with pytest.raises(RuntimeError, match="no outcome"):
        commit.submit(1)


class GaveUp(BaseException):
    """What a killed greenlet raises while it waits (GreenletExit)."""


def test_a_caller_that_gives_up_waiting_leaves_the_writer_working():
    gate = Gate()
    commit: GroupCommit[int, int] = GroupCommit(gate)
    real_wait = commit._wait

    def wait_or_give_up(pending):
        if pending.item == 2:
            raise GaveUp
        real_wait(pending)

    commit._wait = wait_or_give_up  # type: ignore[method-assign]
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(commit.submit, 1)
        assert gate.first_started.wait(60)
        quitter = pool.submit(commit.submit, 2)
        with pytest.raises(GaveUp):
            quitter.result()
        assert commit.waiting() == 0  # its item left the queue with it
        gate.release.set()
        assert first.result() == 10
    assert commit.submit(3) == 30
    assert gate.batches == [[1], [3]]


# ---- sends written together --------------------------------------------------------------------------------


def run_together(app, *sends: SendRequest) -> list[tuple[dict, bool] | ApiError]:
    """One batch of these sends, as the group commit's leader runs it; each outcome, in order."""
    pendings: list[Pending] = [Pending(s) for s in sends]
    try:
        send_batch.run_batch(app.extensions["chatidk"], pendings)
    except Exception as exc:  # what GroupCommit does with it: the outcome of each send left without one
        for p in pendings:
            if not p.done:
                p.fail(exc)
    assert all(p.done for p in pendings)
    return [p.error if p.error is not None else p.result for p in pendings]  # type: ignore[misc]


def send_of(user: User, conversation_id: int, text: str = "hi", **kw) -> SendRequest:
    return SendRequest(user.id, conversation_id, kw.pop("client_id", uuid.uuid4()), text, **kw)


def status(outcome) -> int:
    if isinstance(outcome, ApiError):
        return outcome.status
    return 201 if outcome[1] else 200


def test_a_batch_stores_each_good_send_and_refuses_each_bad_one_alone(app, alice, bob, carol, chat):
    outcomes = run_together(
        app,
        send_of(alice, chat, "one"),
        send_of(carol, chat, "not a member"),
        send_of(alice, chat, "bad file", file_ids=["f" * 32]),
        send_of(bob, chat, "two"),
        send_of(alice, 987_654_321, "no such conversation"),
        send_of(bob, chat, "three"),
    )
    assert [status(o) for o in outcomes] == [201, 404, 404, 201, 404, 201]
    assert outcomes[2].field == "file_ids"  # type: ignore[union-attr]
    stored = alice.messages(chat)
    assert [(m["seq"], m["text"]) for m in stored] == [(1, "one"), (2, "two"), (3, "three")]
    assert [o[0] for o in outcomes if isinstance(o, tuple)] == stored
    assert alice.conversation(chat)["last_seq"] == 3


def test_a_batch_spanning_conversations_gives_each_its_own_gapless_seqs(app, alice, bob, carol, chat):
    other = alice.direct_with(carol)["id"]
    outcomes = run_together(
        app, *(send_of(alice, c, f"{c}:{n}") for n in range(3) for c in (chat, other)), send_of(bob, chat)
    )
    assert all(status(o) == 201 for o in outcomes)
    assert [m["seq"] for m in alice.messages(chat)] == [1, 2, 3, 4]
    assert [m["text"] for m in alice.messages(other)] == [f"{other}:{n}" for n in range(3)]
    assert [m["seq"] for m in alice.messages(other)] == [1, 2, 3]
    assert alice.conversation(chat)["unread_count"] == 1  # bob's, sent after alice's last


def test_two_sends_of_one_client_id_in_a_batch_store_one_message(app, alice, bob, chat):
    client_id = uuid.uuid4()
    group = alice.group("elsewhere", bob)["id"]
    outcomes = run_together(
        app,
        send_of(alice, chat, "once", client_id=client_id),
        send_of(alice, chat, "once", client_id=client_id),
        send_of(alice, group, "once", client_id=client_id),
        send_of(bob, chat, "the same id, another sender", client_id=client_id),
    )
    assert [status(o) for o in outcomes] == [201, 200, 409, 201]
    assert outcomes[0][0] == outcomes[1][0]  # type: ignore[index]
    assert outcomes[2].field == "client_id"  # type: ignore[union-attr]
    assert [m["text"] for m in alice.messages(chat)] == ["once", "the same id, another sender"]
    assert alice.messages(group) == []


def test_a_retry_of_a_stored_send_in_a_batch_answers_it_and_costs_nothing(app, alice, chat, configure):
    first = alice.send(chat, "stored before")
    configure(send_burst=1, send_rate=0.001)
    outcomes = run_together(
        app,
        send_of(alice, chat, "stored before", client_id=uuid.UUID(first["client_id"])),
        send_of(alice, chat, "new"),
    )
    assert [status(o) for o in outcomes] == [200, 201]
    assert outcomes[0][0] == first  # type: ignore[index]


def test_a_retry_of_a_stored_send_to_another_conversation_is_refused(app, alice, bob, chat):
    first = alice.send(chat, "stored before")
    group = alice.group("elsewhere", bob)["id"]
    (outcome,) = run_together(
        app, send_of(alice, group, "elsewhere", client_id=uuid.UUID(first["client_id"]))
    )
    assert status(outcome) == 409
    assert outcome.field == "client_id"  # type: ignore[union-attr]
    assert alice.messages(group) == []


def test_a_retry_whose_message_is_gone_since_the_precheck_answers_404(app, alice, chat):
    """Its conversation erased between the pre-check and the replay's load (a race no test can time)."""
    with app.extensions["chatidk"].db.transaction() as cur, pytest.raises(NotFound):
        send_batch.precheck_outcome(cur, {"x_id": 987_654_321, "x_conversation_id": chat}, chat)


def test_a_retry_whose_first_copy_was_refused_is_tried_on_its_own(app, alice, chat):
    client_id = uuid.uuid4()
    outcomes = run_together(
        app,
        send_of(alice, chat, "bad file", client_id=client_id, file_ids=["f" * 32]),
        send_of(alice, chat, "without the file", client_id=client_id),
    )
    assert [status(o) for o in outcomes] == [404, 201]
    assert [m["text"] for m in alice.messages(chat)] == ["without the file"]


def test_a_batch_takes_each_senders_budget_and_refuses_beyond_it(app, alice, bob, chat, configure):
    configure(send_burst=2, send_rate=0.001)
    outcomes = run_together(app, *(send_of(alice, chat, str(n)) for n in range(4)), send_of(bob, chat, "b"))
    assert [status(o) for o in outcomes] == [201, 201, 429, 429, 201]
    assert outcomes[2].headers["Retry-After"] == str(outcomes[2].retry_after) != "0"  # type: ignore[union-attr]
    assert [m["text"] for m in alice.messages(chat)] == ["0", "1", "b"]
    # Spent: the next send, alone or batched, is refused too.
    assert status(run_together(app, send_of(alice, chat))[0]) == 429


def test_a_blocked_sender_is_refused_alone(app, alice, bob, carol, chat):
    assert bob.request("PUT", f"/blocks/{alice.id}", {}).status_code == 200
    other = carol.direct_with(bob)["id"]
    outcomes = run_together(app, send_of(alice, chat, "blocked"), send_of(carol, other, "fine"))
    assert [status(o) for o in outcomes] == [403, 201]
    assert alice.messages(chat) == []


def test_one_file_named_by_two_sends_of_a_batch_is_sent_once(app, alice, chat):
    file = uploaded(alice, b"contested")
    outcomes = run_together(
        app,
        send_of(alice, chat, "a", file_ids=[file["id"]]),
        send_of(alice, chat, "b", file_ids=[file["id"]]),
    )
    assert [status(o) for o in outcomes] == [201, 409]
    assert [len(m["attachments"]) for m in alice.messages(chat)] == [1]


def test_a_batch_that_loses_a_race_for_a_client_id_is_tried_again(
    app, alice, bob, chat, monkeypatch, unthrottled_sends
):
    """Another process commits the same client_id between the batch's check and its insert (no send
    budget here: the batch holds alice's until it commits, and the rival would wait for it)."""
    client_id = uuid.uuid4()
    real = messages_db.send_precheck_many
    raced = []

    def commit_a_rival_after_the_check(cur, *args):
        rows = real(cur, *args)
        if not raced:
            raced.append(
                messages._send_alone(app.extensions["chatidk"], alice.id, chat, client_id, "rival", None)
            )
        return rows

    monkeypatch.setattr(messages_db, "send_precheck_many", commit_a_rival_after_the_check)
    outcomes = run_together(
        app, send_of(alice, chat, "mine", client_id=client_id), send_of(bob, chat, "bob's")
    )
    assert [status(o) for o in outcomes] == [200, 201]
    assert outcomes[0][0] == raced[0][0]  # type: ignore[index]
    assert [m["text"] for m in alice.messages(chat)] == ["rival", "bob's"]


def test_a_batch_that_fails_unforeseen_is_tried_one_send_at_a_time(app, alice, bob, chat, monkeypatch):
    real = messages_db.store_messages_txn

    def fail_when_batched(cur, sends, tokens):
        if len(sends) > 1:
            raise psycopg2.errors.DataError("something no check foresaw")
        return real(cur, sends, tokens)

    monkeypatch.setattr(messages_db, "store_messages_txn", fail_when_batched)
    outcomes = run_together(app, send_of(alice, chat, "a"), send_of(bob, chat, "b"))
    assert [status(o) for o in outcomes] == [201, 201]
    assert [m["seq"] for m in alice.messages(chat)] == [1, 2]


def test_a_database_failure_answers_503_to_every_send_of_the_batch(app, alice, bob, chat, monkeypatch):
    from server.db import DatabaseUnavailable

    def unavailable(*args):
        raise DatabaseUnavailable("gone")

    monkeypatch.setattr(messages_db, "send_precheck_many", unavailable)
    outcomes = run_together(app, send_of(alice, chat, "a"), send_of(bob, chat, "b"))
    assert all(isinstance(o, DatabaseUnavailable) for o in outcomes)
    monkeypatch.undo()
    assert alice.messages(chat) == []


def test_concurrent_rest_sends_share_a_batch_and_a_failing_member_fails_alone(app, auth, alice, chat):
    """Through POST …/messages: the sends that queue while one commits are written in one batch."""
    context = app.extensions["chatidk"]
    gate = Gate(lambda batch: send_batch.run_batch(context, batch))
    context.sends = GroupCommit(gate)
    members = [auth(f"member{n}") for n in range(4)]
    group = alice.group("Together", *members)["id"]
    outsider = auth("outsider")

    def post(user: User, conversation_id: int, text: str):
        own = User(app.test_client(), user.username, user.password, user.token, user.me)
        body = {"client_id": str(uuid.uuid4()), "text": text}
        return own.post(f"/conversations/{conversation_id}/messages", body)

    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(post, alice, chat, "first, alone")
        assert gate.first_started.wait(60)
        together = [pool.submit(post, m, group, m.username) for m in members]
        refused = pool.submit(post, outsider, group, "let me in")
        until(lambda: context.sends.waiting() == 5, timeout=60, what="five sends queued")
        gate.release.set()
        assert first.result().status_code == 201
        assert [f.result().status_code for f in together] == [201] * 4
        assert_error(refused.result(), 404, "not_found")
    assert [len(b) for b in gate.batches] == [1, 5]
    assert sorted(m["text"] for m in alice.messages(group)) == sorted(m.username for m in members)
    assert [m["seq"] for m in alice.messages(group)] == [1, 2, 3, 4]


def test_group_commit_off_sends_each_alone(app, alice, chat, configure):
    configure(group_commit=False)
    context = app.extensions["chatidk"]
    before = context.sends.batches
    assert alice.send(chat, "alone")["seq"] == 1
    assert context.sends.batches == before


def test_group_commit_off_a_retry_answers_the_stored_message_and_another_conversation_409(
    app, alice, bob, chat, configure
):
    configure(group_commit=False)
    first = alice.send(chat, "alone")
    again = alice.post(f"/conversations/{chat}/messages", {"client_id": first["client_id"], "text": "alone"})
    assert (again.status_code, again.json["message"]) == (200, first)
    group = alice.group("elsewhere", bob)["id"]
    elsewhere = alice.post(f"/conversations/{group}/messages", {"client_id": first["client_id"], "text": "x"})
    assert_error(elsewhere, 409, "conflict", "client_id")
    assert alice.messages(group) == []
