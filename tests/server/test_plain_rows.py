"""Cursor.fetchall_plain: the hot path's rows as plain dicts, the same as the RealDictRows they replace."""

from __future__ import annotations

import psycopg2.extras


def test_plain_rows_hold_what_real_dict_rows_hold_and_the_cursor_goes_on_as_before(app):
    db = app.extensions["chatidk"].db
    query = "SELECT n, n * 2 AS twice, 'x' || n AS name, NULL::int AS nothing FROM generate_series(1, 3) n"
    with db.autocommit() as cur:
        cur.execute(query)
        plain = cur.fetchall_plain()
        cur.execute(query)
        real = cur.fetchall()
        cur.execute(query + " LIMIT 1")
        one = cur.fetchone_plain()
        cur.execute(query + " LIMIT 0")
        none = cur.fetchone_plain()
        cur.execute("SELECT 1 AS again")
        after = cur.fetchone()
    assert plain == real and all(type(row) is dict for row in plain)
    assert [list(row) for row in plain] == [["n", "twice", "name", "nothing"]] * 3
    assert one == {"n": 1, "twice": 2, "name": "x1", "nothing": None}
    assert none is None
    assert isinstance(after, psycopg2.extras.RealDictRow) and after == {"again": 1}
