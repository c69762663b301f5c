"""Sends written together (group commit): one transaction, one commit and one NOTIFY for a batch of sends.

Each send keeps every rule of a send made alone (server/services/messages.py): a retried ``client_id``
answers the stored message (also when two retries of it share a batch), seqs are gapless per conversation,
the send budget is taken per user, and an answer is given only after the commit. A send refused by the
rules (not a member, blocked, spent budget, a bad file id) is refused alone: the checks run in Python over
one query's rows, so no refusal aborts the transaction of its batch-mates. Should a statement fail for a
reason the checks did not foresee, each send of the batch is tried again alone.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg2.errors

from server import render
from server.context import AppContext
from server.db import Cursor, DatabaseUnavailable, PlainRow
from server.db import files as files_db
from server.db import messages as messages_db
from server.db import sessions as sessions_db
from server.errors import UNAUTHORIZED, ApiError, Conflict, Forbidden, InvalidField, NotFound, Unauthorized
from server.services import attachments, events, mentions, message_frames, throttle
from server.services.conversations import NOT_FOUND
from server.services.group_commit import Pending
from shared import search_text

log = logging.getLogger(__name__)

BLOCKED = "this person does not accept your messages"
PEER_DELETED = "this person deleted their account; the conversation is read-only"
NO_REPLY_TARGET = "reply_to_seq: there is no message of that seq in this conversation"
# Lost to a concurrent writer (another process stored the same client_id, or a lock cycle): run it again.
_RETRYABLE = (
    psycopg2.errors.UniqueViolation,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.SerializationFailure,
)
_ATTEMPTS = 3

UNKNOWN_SENDER = 0  # ids start at 1
Outcome = tuple[dict, bool]  # the message, and whether this send created it


@dataclass(frozen=True)
class SendRequest:
    # UNKNOWN_SENDER: the sender is whoever holds the session of ``token_hash``, authenticated by the
    # batch's pre-check (a REST send whose token this process did not have cached); an unknown, revoked or
    # expired token is answered 401. ``cache_generation``: the session cache's, read before the request.
    user_id: int
    conversation_id: int
    client_id: uuid.UUID
    text: str
    file_ids: list[str] = field(default_factory=list)
    # The text's search terms, worked out by the sender's own thread rather than the batch's leader.
    terms: list[str] | None = None
    reply_to_seq: int | None = None
    # The usernames the text may mention (server/services/mentions.py), likewise.
    mention_names: str | None = None
    token_hash: bytes | None = None
    cache_generation: int = 0


def replay(row: dict, conversation_id: int) -> dict:
    """The stored message a retried client_id answers; 409 if it was sent to another conversation."""
    _same_conversation(row["conversation_id"], conversation_id)
    return render.message(row)


def _same_conversation(stored_in: int, sent_to: int) -> None:
    if stored_in != sent_to:
        raise Conflict(
            "this client_id was already used for a message in another conversation", field="client_id"
        )


def run_batch(app: AppContext, pendings: Sequence[Pending[SendRequest, Outcome]]) -> None:
    """Store a batch of sends and give each its outcome (called by the group commit's leader)."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            outcomes = _store(app, [p.item for p in pendings])
            break
        except _RETRYABLE as exc:
            if attempt == _ATTEMPTS:
                if len(pendings) > 1:
                    return _one_by_one(app, pendings)
                raise
            log.info(
                "a batch of %d sends lost a race (%s); trying it again", len(pendings), type(exc).__name__
            )
        except (DatabaseUnavailable, psycopg2.OperationalError):
            raise  # every send of the batch answers 503; their clients retry
        except psycopg2.Error:
            if len(pendings) == 1:
                raise
            log.exception("a batch of %d sends failed; trying each alone", len(pendings))
            return _one_by_one(app, pendings)
    again: list[Pending[SendRequest, Outcome]] = []
    for pending, outcome in zip(pendings, outcomes, strict=True):
        if outcome is None:
            again.append(pending)
        elif isinstance(outcome, BaseException):
            pending.fail(outcome)
        else:
            pending.succeed(outcome)
    if again:
        run_batch(app, again)


def _one_by_one(app: AppContext, pendings: Sequence[Pending[SendRequest, Outcome]]) -> None:
    for pending in pendings:
        try:
            run_batch(app, [pending])
        except Exception as exc:
            pending.fail(exc)


def _store(app: AppContext, asked: list[SendRequest]) -> list[Outcome | ApiError | None]:
    """One transaction for ``asked``; an outcome each, known once committed. None: a retry of a send that
    leads it in this batch but was refused, to be tried once more on its own (its own request may pass)."""
    outcomes: list[Outcome | ApiError | None] = [None] * len(asked)
    first_of: dict[tuple[int | bytes | None, uuid.UUID], int] = {}
    retry_of: dict[int, int] = {}  # a send whose client_id an earlier send of this batch carries -> that one
    for n, send in enumerate(asked):
        key = (send.token_hash if send.user_id == UNKNOWN_SENDER else send.user_id, send.client_id)
        if key in first_of:
            retry_of[n] = first_of[key]
        else:
            first_of[key] = n
    leaders = list(first_of.values())
    stored: dict[int, PlainRow] = {}
    rendered: dict[int, dict] = {}
    with app.db.transaction() as cur:
        burst, rate = app.config.send_burst, app.config.send_rate
        checks = messages_db.send_precheck_many(
            cur,
            [
                (
                    s.conversation_id,
                    None if s.user_id == UNKNOWN_SENDER else s.user_id,
                    s.client_id,
                    s.reply_to_seq,
                    s.token_hash,
                )
                for s in (asked[n] for n in leaders)
            ],
            burst,
            rate,
            app.config.session_idle_seconds,
        )
        checks_of = dict(zip(leaders, checks, strict=True))
        sends, leaders = _authenticated(app, cur, asked, leaders, checks, outcomes, retry_of)
        # No bucket (its account being erased meanwhile) counts as a full one, as for a first send.
        tokens = {
            sends[n].user_id: burst if checks_of[n]["tokens"] is None else checks_of[n]["tokens"]
            for n in leaders
        }
        candidates: list[int] = []
        for n in leaders:
            try:
                answer = _check(cur, checks_of[n], sends[n].conversation_id, sends[n].reply_to_seq)
            except ApiError as exc:
                outcomes[n] = exc
                continue
            if answer is not None:
                outcomes[n] = answer
            else:
                candidates.append(n)
        files = _lock_files(cur, sends, candidates, outcomes)
        candidates = [n for n in candidates if outcomes[n] is None]
        if burst > 0:
            candidates = _take_send_tokens(sends, candidates, tokens, rate, outcomes)
        if candidates:
            rows = messages_db.store_messages_txn(
                cur,
                [
                    (
                        s.conversation_id,
                        s.user_id,
                        s.client_id,
                        s.text,
                        files.get(n, []),
                        search_text.index_terms(s.text) if s.terms is None else s.terms,
                        s.reply_to_seq,
                        mentions.names(s.text) if s.mention_names is None else s.mention_names,
                    )
                    for n, s in ((n, sends[n]) for n in candidates)
                ],
                tokens if burst > 0 else {},
            )
            for n, row in zip(candidates, rows, strict=True):
                stored[n] = row
                rendered[n] = render.message(row)
                if sends[n].file_ids:
                    files_db.attach_txn(cur, row["id"], sends[n].file_ids)
            created = [
                (rendered[n]["conversation_id"], rendered[n]["id"], message_frames.created_frame(rendered[n]))
                for n in candidates
            ]
            for event in events.messages_created(created):
                app.broker.publish(cur, event)
    for n, message in rendered.items():
        outcomes[n] = (message, True)
    for n, first in retry_of.items():
        outcomes[n] = _retry_outcome(sends[n], stored.get(first), outcomes[first])
    return outcomes


def _authenticated(
    app: AppContext,
    cur: Cursor,
    asked: list[SendRequest],
    leaders: list[int],
    checks: list[PlainRow],
    outcomes: list[Outcome | ApiError | None],
    retry_of: dict[int, int],
) -> tuple[list[SendRequest], list[int]]:
    """The sends with their senders known, and the leaders still to check: a send the pre-check did not
    authenticate is answered 401 (it learns nothing about the conversation), a send whose sender turns out
    to have sent its client_id earlier in the batch (from a token not cached) is a retry of that send.

    The sessions the pre-check authenticated go into the session cache once the batch has committed, and
    those last used over a minute ago are marked used again then (as :func:`accounts.authenticate` does).
    """
    sends = list(asked)
    kept: list[int] = []
    first_of: dict[tuple[int, uuid.UUID], int] = {}
    stale: list[int] = []
    vouched: list[tuple[bytes, int, int, int]] = []
    for n, check in zip(leaders, checks, strict=True):
        send = asked[n]
        if send.user_id == UNKNOWN_SENDER:
            if check["sender_id"] is None or send.token_hash is None:
                outcomes[n] = Unauthorized(UNAUTHORIZED)
                continue
            sends[n] = dataclasses.replace(send, user_id=check["sender_id"])
            vouched.append((send.token_hash, check["session_id"], check["sender_id"], send.cache_generation))
            if check["stale"]:
                stale.append(check["session_id"])
        key = (sends[n].user_id, send.client_id)
        if key in first_of:
            retry_of[n] = first_of[key]
            continue
        first_of[key] = n
        kept.append(n)
    for n, first in retry_of.items():
        if sends[n].user_id == UNKNOWN_SENDER:
            sends[n] = dataclasses.replace(sends[n], user_id=sends[first].user_id)
    if stale or vouched:
        cur.after_commit(lambda: _remember_sessions(app, vouched, sorted(set(stale))))
    return sends, kept


def _remember_sessions(app: AppContext, vouched: list[tuple[bytes, int, int, int]], stale: list[int]) -> None:
    """After the batch's commit: cache the sessions the pre-check vouched for; mark the stale ones used."""
    for token_hash, session_id, user_id, generation in vouched:
        app.session_cache.put(token_hash, session_id, user_id, generation)
    if not stale:
        return
    try:
        with app.db.autocommit() as cur:
            sessions_db.touch_sessions(cur, stale)
    except (DatabaseUnavailable, psycopg2.Error):
        # Bookkeeping only (the sends are committed and must be answered so): the next send tries again.
        log.warning("could not mark %d sessions used", len(stale), exc_info=True)


def _check(cur: Cursor, check: PlainRow, conversation_id: int, reply_to_seq: int | None) -> Outcome | None:
    """The answer the pre-check already gives (a replay), None to go on; raises a refusal."""
    if not check["member"]:
        raise NotFound(NOT_FOUND)
    return precheck_outcome(cur, check, conversation_id, reply_to_seq)


def precheck_outcome(
    cur: Cursor, check: PlainRow, conversation_id: int, reply_to_seq: int | None = None
) -> Outcome | None:
    """For a member's send, batched or not: the replay of the message the pre-check found (loaded now),
    None to go on; raises a refusal (blocked by the other member of a 1:1, or that member's account is
    gone, or a reply to no message of this conversation, or to a deleted one)."""
    if check["x_id"] is not None:
        _same_conversation(check["x_conversation_id"], conversation_id)
        stored = messages_db.get_messages_by_id(cur, [check["x_id"]]).get(check["x_id"])
        if stored is None:  # erased with its conversation since the pre-check
            raise NotFound(NOT_FOUND)
        return replay(stored, conversation_id), False
    if check["blocked"]:
        raise Forbidden(BLOCKED)
    if check["peer_deleted"]:
        raise Conflict(PEER_DELETED)
    if reply_to_seq is not None:
        if check["reply_deleted"] is None:
            raise InvalidField(NO_REPLY_TARGET, field="reply_to_seq")
        if check["reply_deleted"]:
            raise Conflict("the message replied to was deleted", field="reply_to_seq")
    return None


def _lock_files(
    cur: Cursor, sends: list[SendRequest], candidates: list[int], outcomes: list[Outcome | ApiError | None]
) -> dict[int, list[dict]]:
    """The File objects of each candidate that names files; a bad file id refuses that send alone."""
    files: dict[int, list[dict]] = {}
    taken: set[str] = set()  # by an earlier send of this batch
    for n in candidates:
        file_ids = sends[n].file_ids
        if not file_ids:
            continue
        try:
            reused = next((f for f in file_ids if f in taken), None)
            if reused is not None:
                raise Conflict(
                    f"file {reused} was already sent in a message; upload it again to send it again",
                    field="file_ids",
                )
            files[n] = attachments.lock_for_attaching(cur, sends[n].user_id, file_ids)
            taken.update(file_ids)
        except ApiError as exc:
            outcomes[n] = exc
    return files


def _take_send_tokens(
    sends: list[SendRequest],
    candidates: list[int],
    tokens: dict[int, float],
    rate: float,
    outcomes: list[Outcome | ApiError | None],
) -> list[int]:
    """The candidates whose senders' budgets hold a token (taken from ``tokens``); the others get 429."""
    granted = []
    for n in candidates:
        user_id = sends[n].user_id
        if tokens[user_id] >= 1:
            tokens[user_id] -= 1
            granted.append(n)
        else:
            outcomes[n] = throttle.too_many("messages sent at once", (1 - tokens[user_id]) / rate, 1)
    return granted


def _retry_outcome(
    send: SendRequest, stored: PlainRow | None, first: Outcome | ApiError | None
) -> Outcome | ApiError | None:
    """What a second send of a client_id in one batch answers: the message the first stored or found."""
    try:
        if stored is not None:
            return replay(stored, send.conversation_id), False
        if isinstance(first, tuple) and not first[1]:
            _same_conversation(first[0]["conversation_id"], send.conversation_id)
            return first[0], False
    except ApiError as exc:
        return exc
    return None  # the first was refused: this one is tried on its own (it may name other files)
