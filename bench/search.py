"""Message search latency on a big history, beside a baseline lookup measured in the same run.

    .venv/bin/python bench/search.py                      # 1,000,000 messages (≈5 minutes to load here)
    .venv/bin/python bench/search.py --messages 100000    # a quicker run

It starts the embedded PostgreSQL (no pg_trgm, no unaccent), creates a database in the C locale, migrates it,
and bulk-loads (COPY) ``--messages`` messages into ``--conversations`` groups of five, one user being in
``--mine`` of them. Texts come from a Zipf-distributed vocabulary (some words accented), one in ten is
Chinese/Japanese, a few hold links or an image; their search terms are made by shared/search_text.py, as the
server makes them. Then, for that user, through server/db/search.py as GET /search runs it (the words turned
into terms, the query, the highlights of every result):
  - baseline: the user's latest 20 messages across their conversations by an indexed lookup, no text
    (server/db/search.py, ``latest``: the newest of each conversation by (conversation_id, seq));
  - single-word, two-word (the last a prefix), CJK (a two-character word) and filtered queries (a word and
    one of: a conversation, a sender, has=link, a date) — 20 results each.
Target: p50 < 50 ms and p99 < 200 ms on this 2-core machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import percentile  # noqa: E402

from server.db import Database  # noqa: E402
from server.db import search as search_db  # noqa: E402
from server.db.migrate import migrate  # noqa: E402
from server.db.search import SearchFilter  # noqa: E402
from shared import search_text  # noqa: E402
from tests.support.pg import TestDatabases  # noqa: E402

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
ACCENTED = {"e": "é", "a": "à", "o": "ö", "u": "ü"}
# Frequent CJK characters: the unified ideographs' first block, plus hiragana particles.
CJK_CHARS = [chr(0x4E00 + k) for k in range(0, 6000, 3)]
PARTICLES = list("のはがをにでとも")
PAGE = 20


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if rng.random() < 0.05:
            vowel = next((v for v in ACCENTED if v in word), None)
            if vowel:
                word = word.replace(vowel, ACCENTED[vowel], 1)
        words.add(word)
    return sorted(words, key=lambda _: rng.random())


def zipf_weights(size: int) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(1, size + 1):
        total += 1 / rank**1.07
        cumulative.append(total)
    return cumulative


def create_c_locale_database(databases: TestDatabases) -> str:
    name = f"chatidk_bench_search_{os.getpid()}"
    databases.drop(name)
    databases._admin(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    return name


def copy_rows(cur, table: str, columns: str, rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    cur.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def load(url: str, args: argparse.Namespace, rng: random.Random) -> dict:
    """Users, conversations, members and messages; what the queries need to know about them."""
    words = vocabulary(rng, args.vocabulary)
    cumulative = zipf_weights(len(words))
    cjk_cumulative = zipf_weights(len(CJK_CHARS))
    conn = psycopg2.connect(url)
    cur = conn.cursor()
    users = args.conversations  # as many users as conversations, five members each
    copy_rows(
        cur,
        "users",
        "username, display_name, password_hash",
        ((f"user{n}", f"User {n}", "x") for n in range(users)),
    )
    cur.execute("SELECT min(id) FROM users")
    first_user = cur.fetchone()[0]
    me = first_user
    copy_rows(
        cur,
        "conversations",
        "kind, title, created_by",
        (("group", f"Group {n}", first_user + n) for n in range(args.conversations)),
    )
    cur.execute("SELECT id FROM conversations ORDER BY id")
    conversation_ids = [row[0] for row in cur.fetchall()]
    mine = set(rng.sample(conversation_ids, args.mine))
    members: dict[int, list[int]] = {}
    for conversation in conversation_ids:
        people = rng.sample(range(first_user + 1, first_user + users), 4)
        people.insert(0, me if conversation in mine else first_user + rng.randrange(1, users))
        members[conversation] = list(dict.fromkeys(people))
    copy_rows(
        cur,
        "conversation_members",
        "conversation_id, user_id, role",
        (
            (c, u, "owner" if k == 0 else "member")
            for c, people in members.items()
            for k, u in enumerate(people)
        ),
    )
    cur.execute("DROP INDEX messages_search")  # built once after the load, as a bulk load would
    seqs = dict.fromkeys(conversation_ids, 0)
    start = datetime.now(UTC) - timedelta(days=730)
    step = timedelta(days=730) / args.messages
    image = json.dumps([{"id": "f" * 32, "name": "photo.png", "content_type": "image/png", "size": 1}])
    cjk_samples: list[str] = []
    latin_samples: list[list[str]] = []
    started = time.perf_counter()
    batch: list[tuple] = []
    for n in range(args.messages):
        conversation = rng.choice(conversation_ids)
        seqs[conversation] += 1
        attachments = "[]"
        if rng.random() < 0.1:
            chars = rng.choices(CJK_CHARS, cum_weights=cjk_cumulative, k=rng.randint(6, 16))
            for at in sorted(rng.sample(range(1, len(chars)), 2), reverse=True):
                chars.insert(at, rng.choice(PARTICLES))
            body = "".join(chars)
            if conversation in mine and len(cjk_samples) < 1000:
                cjk_samples.append(body)
        else:
            chosen = rng.choices(words, cum_weights=cumulative, k=rng.randint(3, 14))
            body = " ".join(chosen)
            if conversation in mine and len(latin_samples) < 1000:
                latin_samples.append(chosen)
            if rng.random() < 0.03:
                body += f" https://example.org/{n}"
            if rng.random() < 0.02:
                attachments = image
        terms = " ".join(f"'{t}'" for t in search_text.index_terms(body))
        batch.append(
            (
                conversation,
                seqs[conversation],
                rng.choice(members[conversation]),
                uuid.UUID(int=n + 1),
                body,
                (start + step * n).isoformat(),
                attachments,
                terms,
            )
        )
        if len(batch) == 50_000 or n == args.messages - 1:
            copy_rows(
                cur,
                "messages",
                "conversation_id, seq, sender_id, client_id, body, created_at, attachments, search_terms",
                batch,
            )
            conn.commit()
            batch = []
            print(f"  {n + 1:>9,} messages loaded ({time.perf_counter() - started:.0f} s)", flush=True)
    cur.execute(
        "UPDATE conversations c SET last_seq = s.seq FROM unnest(%s::bigint[], %s::bigint[]) AS s (id, seq) "
        "WHERE c.id = s.id",
        (list(seqs), list(seqs.values())),
    )
    cur.execute("SET maintenance_work_mem = '256MB'")
    cur.execute("CREATE INDEX messages_search ON messages USING gin (search_terms)")
    conn.commit()
    conn.autocommit = True
    cur.execute("VACUUM ANALYZE")
    print(f"  indexed and analysed ({time.perf_counter() - started:.0f} s)", flush=True)
    conn.close()
    common = words[10:300]  # words people look for: frequent, but not the most frequent of all
    return {
        "me": me,
        "mine": sorted(mine),
        "members": {c: members[c] for c in mine},
        "words": common,
        "rare": words[300:3000],
        "cjk": cjk_samples,
        "latin": latin_samples,
        "recent": start + step * int(args.messages * 0.9),
    }


def timed(db: Database, user: int, words: str | None, where: SearchFilter) -> tuple[float, int]:
    """One search as GET /search runs it: terms, query, highlights. (milliseconds, results)."""
    begun = time.perf_counter()
    query = None
    if words is not None:
        query = search_db.tsquery([(t.text, t.prefix) for t in search_text.query_terms(words)])
    with db.transaction() as cur:
        if words is None:
            rows = search_db.latest(cur, user, PAGE)
        else:
            rows = search_db.search(cur, user, query, where, PAGE + 1)
    for row in rows[:PAGE]:
        search_text.highlights(row["body"], words or "")
    return (time.perf_counter() - begun) * 1000, len(rows[:PAGE])


def queries(data: dict, rng: random.Random, count: int) -> dict[str, list[tuple[str | None, SearchFilter]]]:
    def word() -> str:
        return rng.choice(data["words"] if rng.random() < 0.7 else data["rare"])

    def two_words() -> str:
        """Two words of one message, the second typed halfway: what someone remembers of it."""
        first, second = rng.sample(rng.choice(data["latin"]), 2)
        return f"{first} {second[: max(3, len(second) // 2)]}"

    def cjk() -> str:
        text = rng.choice(data["cjk"])
        at = rng.randrange(len(text) - 1)
        return text[at : at + 2]

    def filtered(k: int) -> tuple[str, SearchFilter]:
        conversation = rng.choice(data["mine"])
        kinds = [
            SearchFilter(conversation_id=conversation),
            SearchFilter(sender_id=rng.choice(data["members"][conversation])),
            SearchFilter(has=("link",)),
            SearchFilter(after=data["recent"]),
        ]
        return rng.choice(data["words"]), kinds[k % len(kinds)]

    return {
        "baseline: latest 20": [(None, SearchFilter()) for _ in range(count)],
        "single word": [(word(), SearchFilter()) for _ in range(count)],
        "two words": [(two_words(), SearchFilter()) for _ in range(count)],
        "CJK (2 chars)": [(cjk(), SearchFilter()) for _ in range(count)],
        "filtered": [filtered(k) for k in range(count)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--mine", type=int, default=50, help="conversations the searching user is in")
    parser.add_argument("--vocabulary", type=int, default=30_000)
    parser.add_argument("--queries", type=int, default=200, help="of each kind")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--explain", action="store_true", help="print the plan of a single-word query")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="chatidk-bench-search-") as scratch:
        os.environ.setdefault("XDG_RUNTIME_DIR", scratch)
        databases = TestDatabases.start(Path(scratch))
        name = create_c_locale_database(databases)
        url = databases.url_for(name)
        try:
            migrate(url)
            print(f"loading {args.messages:,} messages in {args.conversations:,} conversations (C locale)")
            data = load(url, args, rng)
            db = Database(url, size=2)
            kinds = queries(data, rng, args.queries)
            if args.explain:
                with db.transaction() as cur:
                    query = search_db.tsquery([(data["words"][0], False)])
                    cur.execute("SET enable_seqscan = on")
                    print(explain(cur, data["me"], query))
            # Warm up: the first queries read the index from disk; a server that runs has it cached.
            for words, where in kinds["single word"][:20]:
                timed(db, data["me"], words, where)
            print(f"\n{'query':<22}{'p50 ms':>9}{'p99 ms':>9}{'mean hits':>11}")
            figures = {}
            for kind, runs in kinds.items():
                times, hits = [], []
                for words, where in runs:
                    ms, found = timed(db, data["me"], words, where)
                    times.append(ms)
                    hits.append(found)
                figures[kind] = (percentile(times, 0.5), percentile(times, 0.99))
                p50, p99 = figures[kind]
                print(f"{kind:<22}{p50:>9.1f}{p99:>9.1f}{sum(hits) / len(hits):>11.1f}")
            db.close()
        finally:
            databases.drop(name)
            databases.close()
            databases.stop()
    worst50 = max(p50 for kind, (p50, _) in figures.items() if not kind.startswith("baseline"))
    worst99 = max(p99 for kind, (_, p99) in figures.items() if not kind.startswith("baseline"))
    verdict = "met" if worst50 < 50 and worst99 < 200 else "MISSED"
    print(
        f"\ntarget p50 < 50 ms and p99 < 200 ms: {verdict} (worst p50 {worst50:.1f} ms, p99 {worst99:.1f} ms)"
    )


def explain(cur, user: int, query: str) -> str:
    cur.execute(
        """EXPLAIN (ANALYZE, BUFFERS) SELECT x.id FROM messages x
           JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = %s
           WHERE x.conversation_id = ANY(ARRAY(SELECT conversation_id FROM conversation_members
                                               WHERE user_id = %s))
             AND x.deleted_at IS NULL AND (m.hidden_through_seq IS NULL OR x.seq > m.hidden_through_seq)
             AND x.search_terms @@ %s::tsquery
           ORDER BY x.id DESC LIMIT 21""",
        (user, user, query),
    )
    return "\n".join(row["QUERY PLAN"] for row in cur.fetchall())


if __name__ == "__main__":
    main()
