"""SQL for messages: storing with a gapless per-conversation seq, paging, editing and tombstones."""

from __future__ import annotations

import json
import uuid

from psycopg2.extras import Json

from server.db import Cursor, PlainRow, Row, prepared
from server.db import throttle as throttle_db
from server.db.sessions import LIVE_SESSION
from server.db.throttle import REFILLED

# Search terms (shared/search_text.py) arrive space-separated, the tsvector taking them as they are.
_TERMS = "array_to_tsvector(string_to_array(%s, ' '))"

MESSAGE_COLUMNS = (
    "x.id, x.conversation_id, x.seq, x.sender_id, x.client_id, x.body, "
    "x.created_at, x.edited_at, x.deleted_at, x.attachments, x.version, x.reply_to_seq, x.reply_to, "
    "x.reactions, x.pinned_at, x.pinned_by, x.mentions, x.forwarded_from"
)
# The members a text mentions (server/services/mentions.py's names, space-separated, resolved in the
# database), with no function call at all for a text that names nobody: the send path's usual case.
_MENTIONS = (
    "CASE WHEN {names} = '' THEN '{{}}'::bigint[] "
    "ELSE mentioned_members({conversation}, {sender}, string_to_array({names}, ' ')) END"
)

# Leaves out what the member (the parameter) hid with "delete for me" (server/db/hides.py).
NOT_HIDDEN = "NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.user_id = %s AND h.message_id = x.id)"


def find_by_client_id(cur: Cursor, sender_id: int, client_id: uuid.UUID) -> Row | None:
    cur.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages x WHERE x.sender_id = %s AND x.client_id = %s",
        (sender_id, str(client_id)),
    )
    return cur.fetchone()


def _blocked_or_peer_deleted(sender: str, conversation: str) -> str:
    """The send pre-check's two 1:1 refusals as SQL columns, for the sender and conversation expressions
    given: ``blocked`` (the other member blocked the sender) and ``peer_deleted`` (their account is gone)."""
    return f"""EXISTS (SELECT 1 FROM conversations c
                JOIN conversation_members o ON o.conversation_id = c.id AND o.user_id <> {sender}
                JOIN blocks b ON b.blocker_id = o.user_id AND b.blocked_id = {sender}
                WHERE c.id = {conversation} AND c.kind = 'direct') AS blocked,
        EXISTS (SELECT 1 FROM conversations c
                JOIN conversation_members o ON o.conversation_id = c.id AND o.user_id <> {sender}
                JOIN users u ON u.id = o.user_id AND u.deleted_at IS NOT NULL
                WHERE c.id = {conversation} AND c.kind = 'direct') AS peer_deleted"""


# The message a send replies to: ``reply_deleted`` null when there is none of that seq in the conversation.
_REPLY_TARGET = """(SELECT o.deleted_at IS NOT NULL FROM messages o
                WHERE o.conversation_id = {conversation} AND o.seq = {seq}) AS reply_deleted"""
# Only which message a retried client_id names: the replay loads it (rare), every first send spares the
# columns (and psycopg2 a Python typecast per JSON cell, null or not).
_PRECHECK_COLUMNS = "x.id AS x_id, x.conversation_id AS x_conversation_id"
# The sender's send budget (a token bucket, refilled lazily) is taken in the same statement, which saves the
# hot path a round trip; it is SQL of the throttle family (server/db/throttle.py reads the bucket back).
_SEND_PRECHECK = prepared(
    "send_precheck",
    f"""WITH bucket AS (
                INSERT INTO send_buckets AS b (user_id, tokens, refilled_at)
                SELECT %s, %s::float8 - 1, now() WHERE %s::float8 > 0
                ON CONFLICT (user_id) DO UPDATE SET tokens = {REFILLED} - 1, refilled_at = now()
                WHERE {REFILLED} >= 1
                RETURNING 1)
        SELECT m.role, {_PRECHECK_COLUMNS},
                   {_blocked_or_peer_deleted("m.user_id", "m.conversation_id")},
                   (%s::float8 <= 0 OR EXISTS (SELECT 1 FROM bucket)) AS send_token,
                   {_REPLY_TARGET.format(conversation="m.conversation_id", seq="%s::bigint")}
            FROM conversation_members m
            LEFT JOIN messages x ON x.sender_id = m.user_id AND x.client_id = %s
            WHERE m.conversation_id = %s AND m.user_id = %s""",
)


def send_precheck(
    cur: Cursor,
    conversation_id: int,
    sender_id: int,
    client_id: uuid.UUID,
    burst: int,
    per_second: float,
    reply_to_seq: int | None = None,
) -> Row | None:
    """In one query: None when the sender is not a member; else the row, with ``x_id`` (and
    ``x_conversation_id``) of the stored message when this client_id was already used by the sender, in
    any conversation, and
    ``blocked`` when this is a 1:1 whose other member blocked the sender, ``peer_deleted`` when that member
    deleted their account; ``send_token`` when a token was taken from the sender's bucket (``burst`` full,
    refilled at ``per_second``; ``burst`` 0: no budget); ``reply_deleted`` for the message ``reply_to_seq``
    names (null: no such message here). A send that fails rolls its token back with it."""
    cur.execute_prepared(
        _SEND_PRECHECK,
        (
            *(sender_id, burst, burst),  # the row a first send makes
            *(burst, per_second, burst, per_second),  # refilled, twice
            burst,
            reply_to_seq,
            str(client_id),
            conversation_id,
            sender_id,
        ),
    )
    return cur.fetchone()


_STORE_MESSAGE = prepared(
    "store_message",
    f"""WITH c AS (
            UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = now()
            WHERE id = %s RETURNING id, last_seq),
        ins AS (
            INSERT INTO messages AS x
                (conversation_id, seq, sender_id, client_id, body, attachments, search_terms, reply_to_seq,
                 reply_to, mentions)
            SELECT c.id, c.last_seq, r.sender, %s, %s, %s, {_TERMS}, r.seq,
                   (SELECT reply_summary(o) FROM messages o WHERE o.conversation_id = c.id AND o.seq = r.seq),
                   {_MENTIONS.format(names="r.names", conversation="c.id", sender="r.sender")}
            FROM c, (SELECT %s::bigint AS sender, %s::bigint AS seq, %s::text AS names) r
            RETURNING {MESSAGE_COLUMNS}),
        r AS (
            UPDATE conversation_members m SET last_read_seq = ins.seq FROM ins
            WHERE m.conversation_id = ins.conversation_id AND m.user_id = ins.sender_id)
        SELECT * FROM ins""",
)


def store_message_txn(
    cur: Cursor,
    conversation_id: int,
    sender_id: int,
    client_id: uuid.UUID,
    body: str,
    attachments: list[dict] | None = None,
    terms: list[str] | None = None,
    reply_to_seq: int | None = None,
    mention_names: str = "",
) -> Row:
    """Take the next seq and store the message in one statement (``attachments``: rendered File objects;
    ``terms``: its search terms, shared/search_text.py's ``index_terms``; ``mention_names``: the
    usernames it may mention, server/services/mentions.py's ``names``).

    The UPDATE of the conversation row hands out the seq and holds that row's lock until commit, so
    concurrent senders queue and a rolled-back send gives its number back: no gaps, no duplicates.
    Replying means having read what came before, so the sender's read position moves to the new message.
    ``reply_to_seq``: the message of this conversation it quotes (checked by the pre-check).
    Raises UniqueViolation on a reused client_id.
    """
    cur.execute_prepared(
        _STORE_MESSAGE,
        (
            conversation_id,
            str(client_id),
            body,
            Json(attachments or []),
            " ".join(terms or []),
            sender_id,
            reply_to_seq,
            mention_names,
        ),
    )
    return cur.one()


# ---- group commit: the same checks and the same store for a batch of sends, one statement each ---------

_SEND_PRECHECK_MANY = prepared(
    "send_precheck_many",
    f"""SELECT i.n, i.sender_id, i.session_id, i.stale, m.user_id IS NOT NULL AS member, {_PRECHECK_COLUMNS},
               {_blocked_or_peer_deleted("i.sender_id", "i.conversation_id")},
               (SELECT {REFILLED} FROM send_buckets b WHERE b.user_id = i.sender_id) AS tokens,
               {_REPLY_TARGET.format(conversation="i.conversation_id", seq="i.reply_to_seq")}
        FROM (SELECT q.n, q.conversation_id, coalesce(q.sender_id, a.user_id) AS sender_id, a.session_id,
                     a.stale, q.client_id::uuid, q.reply_to_seq
              FROM unnest(%s::int[], %s::bigint[], %s::bigint[], %s::bytea[], %s::text[], %s::bigint[])
                  AS q (n, conversation_id, sender_id, token_hash, client_id, reply_to_seq)
              LEFT JOIN LATERAL ({LIVE_SESSION.format(digest="q.token_hash", idle_seconds="%s")}) AS a
                  ON q.sender_id IS NULL) AS i
        LEFT JOIN conversation_members m ON m.conversation_id = i.conversation_id AND m.user_id = i.sender_id
        LEFT JOIN messages x ON x.sender_id = i.sender_id AND x.client_id = i.client_id
        ORDER BY i.n""",
)

# A send of the batch: (conversation id, sender id, client id, reply_to_seq, token hash). The sender id is
# None for a send whose bearer token the pre-check authenticates (its token hash given instead).
PrecheckSend = tuple[int, int | None, uuid.UUID, int | None, bytes | None]


def send_precheck_many(
    cur: Cursor, sends: list[PrecheckSend], burst: int, per_second: float, idle_seconds: int = 0
) -> list[PlainRow]:
    """:func:`send_precheck` for many sends, in one round trip: a row each, in order, with ``member`` false
    when the sender is not a member of the conversation, and ``tokens``: what the sender's send budget
    holds now (``burst`` > 0), the bucket locked until commit.

    A send given by token hash is authenticated in the same query (sessions of ``idle_seconds`` lifetime,
    server/db/sessions.py): its row's ``sender_id`` and ``session_id`` are null when the token is unknown,
    revoked or expired, else those of the session, with ``stale`` as from :func:`sessions.get_session`.
    """
    senders = [s[1] for s in sends if s[1] is not None]
    by_token = [s[4] for s in sends if s[1] is None and s[4] is not None]
    budget = throttle_db.lock_send_buckets_steps(senders, burst, by_token, idle_seconds) if burst > 0 else []
    precheck = (
        list(range(len(sends))),
        [s[0] for s in sends],
        [s[1] for s in sends],
        [s[4] if s[1] is None else None for s in sends],
        [str(s[2]) for s in sends],
        [s[3] for s in sends],
        idle_seconds,
    )
    cur.execute_prepared_all([*budget, (_SEND_PRECHECK_MANY, (burst, per_second, *precheck))])
    return cur.fetchall_plain()  # the hot path: plain dicts


_LOCK_CONVERSATIONS = prepared(
    "lock_conversations",
    "SELECT id FROM conversations WHERE id = ANY(%s::bigint[]) ORDER BY id FOR NO KEY UPDATE",
)

_BATCH_MENTIONS = _MENTIONS.format(names="i.names", conversation="i.conversation_id", sender="i.sender_id")
# Each updated table is also narrowed by ``= ANY`` of the batch's keys (parameters of their own): joined
# only to the unnested arrays, which the generic plan guesses at 10 rows, a table of a few thousand rows
# (a small server's conversations, members, send budgets) was planned as a scan of all of it per batch,
# with every dead version of those rows (tests/server/test_hot_plans.py).
_STORE_MESSAGES = prepared(
    "store_messages",
    f"""WITH budget AS ({throttle_db.SET_SEND_BUCKETS_CTE}),
        i AS (
            SELECT conversation_id, rank, sender_id, client_id::uuid, body, attachments::jsonb, terms,
                   reply_to_seq, names
            FROM unnest(
                %s::bigint[], %s::int[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[],
                %s::bigint[], %s::text[])
                AS u (conversation_id, rank, sender_id, client_id, body, attachments, terms, reply_to_seq,
                      names)),
        n AS (SELECT conversation_id, count(*) AS n FROM i GROUP BY conversation_id),
        c AS (
            UPDATE conversations c SET last_seq = c.last_seq + n.n, last_activity_at = now() FROM n
            WHERE c.id = n.conversation_id AND c.id = ANY(%s::bigint[])
            RETURNING c.id, c.last_seq - n.n AS base),
        ins AS (
            INSERT INTO messages AS x
                (conversation_id, seq, sender_id, client_id, body, attachments, search_terms, reply_to_seq,
                 reply_to, mentions)
            SELECT i.conversation_id, c.base + i.rank, i.sender_id, i.client_id, i.body, i.attachments,
                   array_to_tsvector(string_to_array(i.terms, ' ')), i.reply_to_seq,
                   (SELECT reply_summary(o) FROM messages o
                    WHERE o.conversation_id = i.conversation_id AND o.seq = i.reply_to_seq),
                   {_BATCH_MENTIONS}
            FROM i JOIN c ON c.id = i.conversation_id
            RETURNING {MESSAGE_COLUMNS}),
        r AS (
            UPDATE conversation_members m SET last_read_seq = s.seq
            FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM ins GROUP BY 1, 2) s
            WHERE m.conversation_id = s.conversation_id AND m.user_id = s.sender_id
              AND m.conversation_id = ANY(%s::bigint[]) AND m.user_id = ANY(%s::bigint[]))
        SELECT * FROM ins""",
)


def store_messages_txn(
    cur: Cursor,
    sends: list[tuple[int, int, uuid.UUID, str, list[dict], list[str], int | None, str]],
    tokens: dict[int, float],
) -> list[PlainRow]:
    """:func:`store_message_txn` for many (conversation id, sender id, client id, body, attachments, search
    terms, reply_to_seq, mention names): the
    stored rows, in the order given, each conversation's in consecutive seqs. ``tokens``: the send budgets
    locked by :func:`send_precheck_many`, to store, less what this batch took (in the same statement).

    The conversations are locked first, in id order, so two batches that share conversations queue instead
    of deadlocking; their rows stay locked until commit, which keeps the seqs gapless as for one message.
    One round trip.
    """
    ranks: dict[int, int] = {}
    rank_of = []
    for conversation_id, *_ in sends:
        ranks[conversation_id] = ranks.get(conversation_id, 0) + 1
        rank_of.append(ranks[conversation_id])
    conversation_ids = sorted(ranks)
    store = (
        list(tokens),
        list(tokens.values()),
        list(tokens),
        [s[0] for s in sends],
        rank_of,
        [s[1] for s in sends],
        [str(s[2]) for s in sends],
        [s[3] for s in sends],
        [json.dumps(s[4], separators=(",", ":")) if s[4] else "[]" for s in sends],
        [" ".join(s[5]) for s in sends],
        [s[6] for s in sends],
        [s[7] for s in sends],
        conversation_ids,
        conversation_ids,
        sorted({s[1] for s in sends}),
    )
    cur.execute_prepared_all([(_LOCK_CONVERSATIONS, (conversation_ids,)), (_STORE_MESSAGES, store)])
    by_key = {(row["sender_id"], str(row["client_id"])): row for row in cur.fetchall_plain()}
    return [by_key[(s[1], str(s[2]))] for s in sends]


def blocked_in_direct(cur: Cursor, conversation_id: int, user_id: int) -> bool:
    """Whether this is a 1:1 whose other member blocked ``user_id``."""
    cur.execute(
        """SELECT 1 FROM conversations c
           JOIN conversation_members o ON o.conversation_id = c.id AND o.user_id <> %s
           JOIN blocks b ON b.blocker_id = o.user_id AND b.blocked_id = %s
           WHERE c.id = %s AND c.kind = 'direct'""",
        (user_id, user_id, conversation_id),
    )
    return cur.fetchone() is not None


def get_message(cur: Cursor, conversation_id: int, seq: int, *, lock: bool = False) -> Row | None:
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS} FROM messages x WHERE x.conversation_id = %s AND x.seq = %s
            {"FOR UPDATE" if lock else ""}""",
        (conversation_id, seq),
    )
    return cur.fetchone()


_MESSAGES_BY_ID = prepared(
    "messages_by_id", f"SELECT {MESSAGE_COLUMNS} FROM messages x WHERE x.id = ANY(%s::bigint[])"
)


def get_messages_by_id(cur: Cursor, message_ids: list[int]) -> dict[int, dict]:
    """Messages by id; run by every server process for every batch of live events, hence prepared (and
    plain rows: a process loads what another one stored)."""
    cur.execute_prepared(_MESSAGES_BY_ID, (list(message_ids),))
    return {row["id"]: row for row in cur.fetchall_plain()}


def page(
    cur: Cursor,
    conversation_id: int,
    after_seq: int | None,
    before_seq: int | None,
    limit: int,
    viewer_id: int,
) -> tuple[list, bool]:
    """Up to ``limit`` messages in ascending seq, and whether more lie beyond them in the paging direction;
    none that the viewer hid for themselves."""
    upper = before_seq if before_seq is not None else 2**63 - 1
    if after_seq is not None:
        cur.execute(
            f"""SELECT {MESSAGE_COLUMNS} FROM messages x
                WHERE x.conversation_id = %s AND x.seq > %s AND x.seq < %s AND {NOT_HIDDEN}
                ORDER BY x.seq LIMIT %s""",
            (conversation_id, after_seq, upper, viewer_id, limit + 1),
        )
        rows = cur.fetchall()
        return rows[:limit], len(rows) > limit
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS} FROM messages x
            WHERE x.conversation_id = %s AND x.seq < %s AND {NOT_HIDDEN} ORDER BY x.seq DESC LIMIT %s""",
        (conversation_id, upper, viewer_id, limit + 1),
    )
    rows = cur.fetchall()
    has_more = len(rows) > limit
    return list(reversed(rows[:limit])), has_more


def lock_conversation(cur: Cursor, conversation_id: int) -> None:
    """Take the conversation's row lock before any message of it: every change of old messages (and every
    send) queues on it, so change versions commit in order and two changes never deadlock over messages."""
    cur.execute("SELECT 1 FROM conversations WHERE id = %s FOR NO KEY UPDATE", (conversation_id,))


def bump_version(cur: Cursor, conversation_id: int) -> int:
    """The next change version of the conversation, for the messages this transaction changes."""
    cur.execute(
        "UPDATE conversations SET change_version = change_version + 1 WHERE id = %s RETURNING change_version",
        (conversation_id,),
    )
    return int(cur.one()["change_version"])


def page_around(
    cur: Cursor, conversation_id: int, seq: int, limit: int, viewer_id: int
) -> tuple[list[Row], bool, bool]:
    """Up to ``limit`` messages in ascending seq with ``seq`` in the middle (``limit // 2`` before it, the
    rest from it on), and whether more lie before and after them; none that the viewer hid."""
    before = limit // 2
    cur.execute(
        f"""(SELECT {MESSAGE_COLUMNS}, 'b' AS side FROM messages x
             WHERE x.conversation_id = %s AND x.seq < %s AND {NOT_HIDDEN} ORDER BY x.seq DESC LIMIT %s)
            UNION ALL
            (SELECT {MESSAGE_COLUMNS}, 'a' AS side FROM messages x
             WHERE x.conversation_id = %s AND x.seq >= %s AND {NOT_HIDDEN} ORDER BY x.seq LIMIT %s)""",
        (conversation_id, seq, viewer_id, before + 1, conversation_id, seq, viewer_id, limit - before + 1),
    )
    rows = cur.fetchall()
    older = sorted((r for r in rows if r["side"] == "b"), key=lambda r: r["seq"])
    newer = sorted((r for r in rows if r["side"] == "a"), key=lambda r: r["seq"])
    more_before, more_after = len(older) > before, len(newer) > limit - before
    window = (older[-before:] if before else []) + newer[: limit - before]
    return window, more_before, more_after


def edit_message(
    cur: Cursor, message_id: int, body: str, terms: list[str], version: int, mention_names: str = ""
) -> Row:
    """The new text, its search terms and its mentions replace the old: an edit is found by what it says
    now, and mentions whom it names now."""
    mentions = _MENTIONS.format(names="%s::text", conversation="x.conversation_id", sender="x.sender_id")
    cur.execute(
        f"""UPDATE messages x SET body = %s, search_terms = {_TERMS}, edited_at = now(), version = %s,
                   mentions = {mentions}
            WHERE x.id = %s
            RETURNING {MESSAGE_COLUMNS}""",
        (body, " ".join(terms), version, mention_names, mention_names, message_id),
    )
    return cur.one()


def tombstone_message(cur: Cursor, message_id: int, version: int) -> Row:
    """No text, no files, no quote, no reactions; the seq (and reply_to_seq) stay."""
    cur.execute("DELETE FROM message_reactions WHERE message_id = %s", (message_id,))
    cur.execute(
        f"""UPDATE messages x SET body = NULL, attachments = '[]', search_terms = NULL, reply_to = NULL,
                   reactions = '[]', pinned_at = NULL, pinned_by = NULL, mentions = '{{}}', version = %s,
                   deleted_at = coalesce(deleted_at, now())
            WHERE x.id = %s
            RETURNING {MESSAGE_COLUMNS}""",
        (version, message_id),
    )
    return cur.one()


def refresh_replies(cur: Cursor, conversation_id: int, seqs: list[int], version: int) -> list[Row]:
    """The live replies to these messages get their quote rewritten from the originals as they are now,
    and the change ``version``; returns them (for the events)."""
    cur.execute(
        f"""UPDATE messages x SET reply_to = reply_summary(o), version = %s
            FROM messages o
            WHERE o.conversation_id = %s AND o.seq = ANY(%s::bigint[])
              AND x.conversation_id = o.conversation_id AND x.reply_to_seq = o.seq AND x.deleted_at IS NULL
            RETURNING {MESSAGE_COLUMNS}""",
        (version, conversation_id, seqs),
    )
    return cur.fetchall()


def changes_after(
    cur: Cursor, conversation_id: int, viewer_id: int, after: int, after_seq: int | None, limit: int
) -> tuple[list[Row], bool]:
    """Up to ``limit`` changes strictly after the position (``after``, ``after_seq``) in (version, seq)
    order, and whether more follow: the messages changed (each once, as it is now; none the viewer hid)
    and the viewer's own hides (rows with ``hidden`` true: only ``seq`` and ``version``). ``after_seq``
    None: version ``after`` was read whole. Several messages share a version (a quote rewritten with its
    original, an account's tombstones), so a page may end inside one and the next goes on from its seq."""
    position = (after, after, 2**63 - 1 if after_seq is None else after_seq)
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS}, false AS hidden FROM messages x
            WHERE x.conversation_id = %s AND x.version > 0 AND x.version >= %s
              AND (x.version > %s OR x.seq > %s) AND {NOT_HIDDEN}
            ORDER BY x.version, x.seq LIMIT %s""",
        (conversation_id, *position, viewer_id, limit + 1),
    )
    rows = cur.fetchall()
    cur.execute(
        """SELECT h.seq, h.version, true AS hidden FROM message_hides h
           WHERE h.conversation_id = %s AND h.user_id = %s AND h.version >= %s
             AND (h.version > %s OR h.seq > %s)
           ORDER BY h.version, h.seq LIMIT %s""",
        (conversation_id, viewer_id, *position, limit + 1),
    )
    merged = sorted([*rows, *cur.fetchall()], key=lambda r: (r["version"], r["seq"]))
    return merged[:limit], len(merged) > limit


def change_version(cur: Cursor, conversation_id: int) -> int:
    cur.execute("SELECT change_version FROM conversations WHERE id = %s", (conversation_id,))
    return int(cur.one()["change_version"])


def tombstone_all_from(cur: Cursor, sender_id: int) -> list[Row]:
    """Every live message of a user becomes a tombstone (account deletion), one change version per
    conversation concerned, the replies' quotes with them; returns every changed message for the events."""
    cur.execute(
        """SELECT DISTINCT conversation_id FROM messages WHERE sender_id = %s AND deleted_at IS NULL
           ORDER BY conversation_id""",
        (sender_id,),
    )
    changed: list[Row] = []
    for conversation_id in [row["conversation_id"] for row in cur.fetchall()]:
        version = bump_version(cur, conversation_id)
        cur.execute(
            f"""UPDATE messages x SET body = NULL, attachments = '[]', search_terms = NULL, reply_to = NULL,
                       reactions = '[]', pinned_at = NULL, pinned_by = NULL, mentions = '{{}}',
                       deleted_at = now(),
                       version = %s
                WHERE x.conversation_id = %s AND x.sender_id = %s AND x.deleted_at IS NULL
                RETURNING {MESSAGE_COLUMNS}""",
            (version, conversation_id, sender_id),
        )
        rows = cur.fetchall()
        cur.execute(
            "DELETE FROM message_reactions WHERE message_id = ANY(%s::bigint[])", ([r["id"] for r in rows],)
        )
        changed += rows
        changed += refresh_replies(cur, conversation_id, [r["seq"] for r in rows], version)
    return changed


def by_sender_after(cur: Cursor, sender_id: int, after_id: int, limit: int) -> list[Row]:
    """A page of a user's live messages in id order (for the data export), never the whole history at once."""
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS} FROM messages x
            WHERE x.sender_id = %s AND x.id > %s AND x.deleted_at IS NULL ORDER BY x.id LIMIT %s""",
        (sender_id, after_id, limit),
    )
    return cur.fetchall()
