"""Forwarding: a message (text and files) to one or more of my conversations, as new messages of mine marked
as forwarded; the files are shared by reference (no bytes copied), each conversation's members seeing them
through their own message."""

from __future__ import annotations

import uuid

import psycopg2.errors

from server import render
from server.context import AppContext
from server.db import Cursor, Row
from server.db import files as files_db
from server.db import forwards as forwards_db
from server.db import hides as hides_db
from server.db import messages as messages_db
from server.errors import Conflict, InvalidField, NotFound
from server.services import events, throttle
from server.services.conversations import NOT_FOUND, require_member
from server.services.message_access import NO_MESSAGE
from server.services.send_batch import precheck_outcome
from shared import search_text

Target = tuple[int, uuid.UUID]  # a conversation of mine, and the client_id of the new message there


def forward(
    app: AppContext, user_id: int, conversation_id: int, seq: int, targets: list[Target]
) -> tuple[list[dict], bool]:
    """Forward the message to each target: (the new messages in the order given, whether any was made
    now). All or nothing, in one transaction; a retry with the same client_ids answers the stored messages
    (and the 200 of a send's retry), so a client retries a forward as it retries a send."""
    most = app.config.forward_targets
    if len(targets) > most:
        raise InvalidField(f"to: at most {most} conversations at once", field="to")
    for _ in range(2):
        try:
            return _forward(app, user_id, conversation_id, seq, targets)
        except psycopg2.errors.UniqueViolation:
            continue  # a concurrent retry of the same forward committed first: the next try answers it
    raise Conflict("this forward is being stored by another request; retry it")


def _forward(
    app: AppContext, user_id: int, conversation_id: int, seq: int, targets: list[Target]
) -> tuple[list[dict], bool]:
    limit = throttle.Limit("forward", app.config.forwards_per_minute, 60, "forwarded messages")
    with app.db.transaction() as cur:
        require_member(cur, conversation_id, user_id)
        # Every conversation concerned is locked first, in id order (as a batch of sends locks them), then
        # the original: a deletion of it (conversation, then message) waits for the forward or the other
        # way round, so the files it carries are still there when the forward shares them.
        for locked in sorted({conversation_id, *(t for t, _ in targets)}):
            messages_db.lock_conversation(cur, locked)
        original = messages_db.get_message(cur, conversation_id, seq, lock=True)
        if original is None or hides_db.get(cur, user_id, original["id"]) is not None:
            raise NotFound(NO_MESSAGE)
        if original["deleted_at"] is not None:
            raise Conflict("a deleted message cannot be forwarded")
        origin = _origin(original)
        terms = search_text.index_terms(original["body"])
        answers: dict[int, tuple[dict, bool]] = {}
        for n in sorted(range(len(targets)), key=lambda n: targets[n][0]):
            target, client_id = targets[n]
            answers[n] = _forward_one(app, cur, user_id, target, client_id, original, origin, terms, limit)
    return [answers[n][0] for n in range(len(targets))], any(made for _, made in answers.values())


def _origin(original: Row) -> int | None:
    """Who wrote it first: a forward of a forward names the first sender (or nobody, if it did not)."""
    forwarded = original["forwarded_from"]
    return forwarded.get("sender_id") if forwarded is not None else original["sender_id"]


def _forward_one(
    app: AppContext,
    cur: Cursor,
    user_id: int,
    target: int,
    client_id: uuid.UUID,
    original: Row,
    origin: int | None,
    terms: list[str],
    limit: throttle.Limit,
) -> tuple[dict, bool]:
    """One target: (the message, whether it was made now: not a retry's); refusals as a send gets them
    there (the 404 of a conversation that does not exist for one I am not in, 403 blocked in a 1:1, 409 a
    deleted peer)."""
    check = messages_db.send_precheck(cur, target, user_id, client_id, 0, 0.0)
    if check is None:
        raise NotFound(f"{NOT_FOUND}: {target}", field="to")
    answer = precheck_outcome(cur, check, target)
    if answer is not None:
        return answer
    throttle.take(cur, limit, throttle.user_key(user_id))
    row = forwards_db.store_forward_txn(cur, target, user_id, client_id, original, origin, terms)
    file_ids = [f["id"] for f in original["attachments"]]
    if file_ids:
        files_db.share_txn(cur, row["id"], file_ids)
    app.broker.publish(cur, events.message("created", target, row["id"]))
    return render.message(row), True
