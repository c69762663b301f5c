"""The send path's prepared statements find their rows through indexes at the size of a small server.

They run with one generic plan per connection (server/db/__init__.py), planned once, without the values.
Joined to unnested arrays, which PostgreSQL guesses at 10 rows, a table of a few thousand rows looks cheaper
to scan whole than to probe, and the plan then reads every conversation, member, send budget or recently
used session on each batch (with every dead version of those often-updated rows). Each statement here is
planned on a database the size of the throughput bench's (2,000 accounts, 1,000 1:1s, 100 messages each).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import psycopg2
import pytest

import server.db
from server.db import _STATEMENTS

# Every store module, so that each registers its statements (on import).
for module in pkgutil.iter_modules(server.db.__path__):
    importlib.import_module(f"server.db.{module.name}")

# Tables that grow with use. (blocks stays empty here, so its scans are free and say nothing.)
GROWING = {"users", "sessions", "conversations", "conversation_members", "messages", "send_buckets"}


@pytest.fixture(scope="module")
def planner(test_databases) -> Iterator[psycopg2.extensions.cursor]:
    name = test_databases.create()
    conn = psycopg2.connect(test_databases.url_for(name))
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("SHOW server_version_num")
    if int(cur.fetchone()[0]) < 160000:
        pytest.skip("EXPLAIN (GENERIC_PLAN) needs PostgreSQL 16")
    cur.execute(
        """INSERT INTO users (username, display_name, password_hash)
           SELECT 'user' || n, 'User ' || n, 'x' FROM generate_series(1, 2000) AS n;
           INSERT INTO sessions (user_id, token_hash, device_name)
           SELECT id, sha256(id::text::bytea), 'desk' FROM users;
           INSERT INTO conversations (kind, direct_user_low, direct_user_high, created_by, last_seq)
           SELECT 'direct', id, id + 1, id, 100 FROM users WHERE id % 2 = 1;
           INSERT INTO conversation_members (conversation_id, user_id)
           SELECT id, direct_user_low FROM conversations
           UNION ALL SELECT id, direct_user_high FROM conversations;
           INSERT INTO send_buckets SELECT id, 60, now() FROM users;
           INSERT INTO messages (conversation_id, seq, sender_id, client_id, body, search_terms)
           SELECT c.id, s.n, c.direct_user_low, gen_random_uuid(), 'old ' || s.n,
                  array_to_tsvector(ARRAY['old'])
           FROM conversations c, generate_series(1, 100) AS s (n);"""
    )
    cur.execute("VACUUM ANALYZE")
    yield cur
    conn.close()
    test_databases.drop(name)


def scans(plan: dict) -> Iterator[dict]:
    """Every node of a JSON plan that reads a table (a bitmap heap scan with its index scan beneath)."""
    if "Relation Name" in plan and plan["Node Type"] != "ModifyTable":
        yield plan
    for child in plan.get("Plans", []):
        yield from scans(child)


def index_condition(node: dict) -> str:
    if node["Node Type"] == "Bitmap Heap Scan":
        return " AND ".join(child.get("Index Cond", "") for child in node.get("Plans", []))
    return node.get("Index Cond", "")


@pytest.mark.parametrize("name", sorted(_STATEMENTS))
def test_a_hot_statement_probes_growing_tables_by_key(planner, name):
    planner.execute("EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + _STATEMENTS[name])
    plan = planner.fetchone()[0][0]["Plan"]
    for node in scans(plan):
        if node["Relation Name"] not in GROWING:
            continue
        where = f"{name}: {node['Node Type']} on {node['Relation Name']}"
        assert node["Node Type"] in {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}, where
        # An equality (a key or = ANY of keys), not a range such as every session used lately.
        assert " = " in index_condition(node), f"{where} by {index_condition(node)!r}"
