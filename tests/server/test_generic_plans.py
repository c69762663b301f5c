"""The pool's connections run prepared statements with their generic plan, after the operator's options."""

from __future__ import annotations

from psycopg2.extensions import make_dsn

from server.db import Database, session_options


def test_pool_connections_keep_one_generic_plan_per_prepared_statement(app):
    db = app.extensions["chatidk"].db
    with db.autocommit() as cur:
        cur.execute("SHOW plan_cache_mode")
        assert cur.fetchone() == {"plan_cache_mode": "force_generic_plan"}


def test_the_operators_own_options_are_kept(database_url, monkeypatch):
    monkeypatch.delenv("PGOPTIONS", raising=False)
    url = make_dsn(database_url, options="-c statement_timeout=12345")
    assert session_options(url) == "-c statement_timeout=12345 -c plan_cache_mode=force_generic_plan"
    db = Database(url, size=1)
    try:
        with db.autocommit() as cur:
            cur.execute(
                "SELECT current_setting('statement_timeout') AS t, current_setting('plan_cache_mode') AS m"
            )
            assert cur.fetchone() == {"t": "12345ms", "m": "force_generic_plan"}
    finally:
        db.close()
    monkeypatch.setenv("PGOPTIONS", "-c work_mem=8MB")
    assert session_options(database_url) == "-c work_mem=8MB -c plan_cache_mode=force_generic_plan"
