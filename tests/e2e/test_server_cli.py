"""`python -m server migrate | check` and configuration errors, as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

from server.db.migrate import latest_version
from tests.support.server_process import ROOT


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_migrate_is_idempotent(test_databases):
    name = test_databases.create()
    try:
        url = test_databases.url_for(name)
        latest = latest_version()
        # The template database is already migrated: running again changes nothing.
        first = run("migrate", CHATIDK_DATABASE_URL=url)
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip() == f"schema version {latest} -> {latest}"
    finally:
        test_databases.drop(name)


def test_migrate_builds_an_empty_database(test_databases):
    name = "chatidk_cli_empty"
    test_databases.drop(name)
    test_databases._admin(f"CREATE DATABASE {name}")
    try:
        result = run("migrate", CHATIDK_DATABASE_URL=test_databases.url_for(name))
        assert result.stdout.strip() == f"schema version 0 -> {latest_version()}"
    finally:
        test_databases.drop(name)


def test_check_reports_a_reachable_database(database_url):
    result = run("check", CHATIDK_DATABASE_URL=database_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"schema version {latest_version()}" in result.stdout


def test_check_reports_an_unreachable_database():
    result = run("check", CHATIDK_DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert result.stdout.startswith("database: unreachable")


def test_bad_configuration_is_a_clear_error_not_a_traceback():
    result = run("check", CHATIDK_PORT="eighty")
    assert result.returncode == 2
    assert result.stderr.strip() == "configuration error: CHATIDK_PORT must be a whole number, not 'eighty'"
