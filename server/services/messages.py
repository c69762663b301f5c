"""Messages: idempotent sends with a gapless seq, paging, edits and tombstones."""

from __future__ import annotations

import uuid

import psycopg2.errors

from server import render
from server.context import AppContext
from server.db import Cursor, Row
from server.db import files as files_db
from server.db import messages as messages_db
from server.db import throttle as throttle_db
from server.errors import UNAUTHORIZED, Conflict, Forbidden, InvalidField, NotFound, Unauthorized
from server.services import (
    accounts,
    attachments,
    events,
    file_purge,
    mentions,
    message_frames,
    reactions,
    throttle,
)
from server.services.conversations import NOT_FOUND, require_member
from server.services.send_batch import BLOCKED, UNKNOWN_SENDER, SendRequest, precheck_outcome, replay
from shared import search_text


def send(
    app: AppContext,
    user_id: int | None,
    conversation_id: int,
    client_id: uuid.UUID,
    text: str | None,
    file_ids: list[str] | None = None,
    reply_to_seq: int | None = None,
    token_hash: bytes | None = None,
) -> tuple[dict, bool]:
    """Store and publish a message: (message, created). A retried client_id returns the stored message.

    The answer is given only after the commit, so an acknowledged message is durable. Its files are
    attached in the same transaction: they are the caller's own uploads, not yet sent in another message.
    Concurrent sends share a transaction (server/services/send_batch.py) unless CHATIDK_GROUP_COMMIT=0.
    ``user_id`` None: the sender holds the session of ``token_hash``, authenticated by the send's own
    pre-check (401 when it does not work) rather than by a round trip of its own.
    """
    if app.config.group_commit:
        request = SendRequest(
            UNKNOWN_SENDER if user_id is None else user_id,
            conversation_id,
            client_id,
            text or "",
            file_ids or [],
            search_text.index_terms(text),
            reply_to_seq,
            mentions.names(text),
            token_hash if user_id is None else None,
            app.session_cache.generation(),
        )
        return app.sends.submit(request)
    if user_id is None:
        if token_hash is None:
            raise Unauthorized(UNAUTHORIZED)
        user_id = accounts.authenticate_hash(app, token_hash)["user_id"]
    return _send_alone(app, user_id, conversation_id, client_id, text, file_ids, reply_to_seq)


def _send_alone(
    app: AppContext,
    user_id: int,
    conversation_id: int,
    client_id: uuid.UUID,
    text: str | None,
    file_ids: list[str] | None,
    reply_to_seq: int | None = None,
) -> tuple[dict, bool]:
    """A send in a transaction of its own (CHATIDK_GROUP_COMMIT=0): the path before group commit."""
    terms = search_text.index_terms(text)  # before the transaction, which holds the conversation's lock
    names = mentions.names(text)
    try:
        with app.db.transaction() as cur:
            check = messages_db.send_precheck(
                cur,
                conversation_id,
                user_id,
                client_id,
                app.config.send_burst,
                app.config.send_rate,
                reply_to_seq,
            )
            if check is None:
                raise NotFound(NOT_FOUND)
            answer = precheck_outcome(cur, check, conversation_id, reply_to_seq)
            if answer is not None:
                return answer
            if not check["send_token"]:
                _out_of_budget(app, cur, user_id)
            files = attachments.lock_for_attaching(cur, user_id, file_ids or [])
            row = messages_db.store_message_txn(
                cur, conversation_id, user_id, client_id, text or "", files, terms, reply_to_seq, names
            )
            if file_ids:
                files_db.attach_txn(cur, row["id"], file_ids)
            message = render.message(row)
            created = (conversation_id, row["id"], message_frames.created_frame(message))
            for event in events.messages_created([created]):
                app.broker.publish(cur, event)
    except psycopg2.errors.UniqueViolation:
        # A concurrent retry of the same send committed first; ours rolled back (its seq with it).
        with app.db.transaction() as cur:
            existing = messages_db.find_by_client_id(cur, user_id, client_id)
        if existing is None:  # pragma: no cover - the unique index guarantees it exists
            raise
        return replay(existing, conversation_id), False
    return message, True


def _out_of_budget(app: AppContext, cur: Cursor, user_id: int) -> None:
    """429: the user's send budget (CHATIDK_SEND_BURST, CHATIDK_SEND_RATE) is spent, for POST …/messages and
    the socket's send frame alike. A retry of a stored message is answered before this: replays are free."""
    burst, rate = app.config.send_burst, app.config.send_rate
    raise throttle.too_many(
        "messages sent at once", throttle_db.send_token_wait(cur, user_id, burst, rate), 1
    )


def page(
    app: AppContext,
    user_id: int,
    conversation_id: int,
    after_seq: int | None,
    before_seq: int | None,
    limit: int,
) -> tuple[list[dict], bool, dict[str, list[str]]]:
    with app.db.transaction() as cur:
        require_member(cur, conversation_id, user_id)
        rows, has_more = messages_db.page(cur, conversation_id, after_seq, before_seq, limit, user_id)
        mine = reactions.mine_by_seq(cur, user_id, rows)
    return [render.message(r) for r in rows], has_more, mine


def around(
    app: AppContext, user_id: int, conversation_id: int, seq: int, limit: int
) -> tuple[list[dict], bool, bool, dict[str, list[str]]]:
    """The messages around ``seq`` (to jump to a quoted message): (messages, more before, more after)."""
    with app.db.transaction() as cur:
        require_member(cur, conversation_id, user_id)
        rows, before, after = messages_db.page_around(cur, conversation_id, seq, limit, user_id)
        mine = reactions.mine_by_seq(cur, user_id, rows)
    return [render.message(r) for r in rows], before, after, mine


def changes(
    app: AppContext, user_id: int, conversation_id: int, after: int, after_seq: int | None, limit: int
) -> dict:
    """The change stream's page after (``after``, ``after_seq``): the ``changes`` (messages as they are
    now), the caller's ``hidden`` messages, ``next`` and ``next_seq`` (where the next call goes on from;
    ``next_seq`` null when version ``next`` was read whole), ``has_more``, and ``my_reactions``.

    The conversation's version is read before the changes: every change up to it has committed (versions
    commit in order, on the conversation's lock), so a last page moves ``next`` up to it even when the
    latest versions hold nothing for this member (another member's hide)."""
    with app.db.transaction() as cur:
        require_member(cur, conversation_id, user_id)
        latest = messages_db.change_version(cur, conversation_id)
        if after > latest:
            raise InvalidField("after: is beyond this conversation's latest change version", field="after")
        rows, has_more = messages_db.changes_after(cur, conversation_id, user_id, after, after_seq, limit)
        changed = [r for r in rows if not r["hidden"]]
        mine = reactions.mine_by_seq(cur, user_id, changed)
    if has_more:
        next_after, next_seq = rows[-1]["version"], rows[-1]["seq"]
    else:
        next_after, next_seq = max([after, latest, *(r["version"] for r in rows[-1:])]), None
    return {
        "changes": [render.message(r) for r in changed],
        "hidden": [{"seq": r["seq"], "version": r["version"]} for r in rows if r["hidden"]],
        "next": next_after,
        "next_seq": next_seq,
        "has_more": has_more,
        **({"my_reactions": mine} if mine else {}),
    }


def _own_message(cur: Cursor, user_id: int, conversation_id: int, seq: int) -> dict:
    """My message, to edit or delete: not in a 1:1 whose other member blocked me (each change would be
    pushed to them live), where sending is refused too. The conversation is locked first (its change
    version is taken after the checks)."""
    require_member(cur, conversation_id, user_id)
    messages_db.lock_conversation(cur, conversation_id)
    row = messages_db.get_message(cur, conversation_id, seq, lock=True)
    if row is None:
        raise NotFound("no such message")
    if row["sender_id"] != user_id:
        raise Forbidden("you can only change your own messages")
    if messages_db.blocked_in_direct(cur, conversation_id, user_id):
        raise Forbidden(BLOCKED)
    return row


def _publish_replies(app: AppContext, cur: Cursor, replies: list[Row]) -> None:
    """The replies whose quote changed with their original: one ``message.updated`` each."""
    stored = [(r["conversation_id"], r["id"]) for r in replies]
    for start in range(0, len(stored), events.PER_EVENT):
        app.broker.publish(cur, events.messages("updated", stored[start : start + events.PER_EVENT]))


def edit(app: AppContext, user_id: int, conversation_id: int, seq: int, text: str) -> dict:
    with app.db.transaction() as cur:
        row = _own_message(cur, user_id, conversation_id, seq)
        if row["deleted_at"] is not None:
            raise Conflict("a deleted message cannot be edited")
        version = messages_db.bump_version(cur, conversation_id)
        terms, names = search_text.index_terms(text), mentions.names(text)
        row = messages_db.edit_message(cur, row["id"], text, terms, version, names)
        app.broker.publish(cur, events.message("edited", conversation_id, row["id"]))
        _publish_replies(app, cur, messages_db.refresh_replies(cur, conversation_id, [seq], version))
    return render.message(row)


def delete(app: AppContext, user_id: int, conversation_id: int, seq: int) -> dict:
    with app.db.transaction() as cur:
        row = _own_message(cur, user_id, conversation_id, seq)
        doomed_files: list[str] = []
        if row["deleted_at"] is None:
            if row["attachments"]:
                doomed_files = files_db.delete_message_files_txn(cur, row["id"])
            version = messages_db.bump_version(cur, conversation_id)
            row = messages_db.tombstone_message(cur, row["id"], version)
            app.broker.publish(cur, events.message("deleted", conversation_id, row["id"]))
            _publish_replies(app, cur, messages_db.refresh_replies(cur, conversation_id, [seq], version))
    file_purge.remove_from_store(app, doomed_files)
    return render.message(row)
