"""`python -m server migrate | check` and configuration errors, as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

import requests

from server.db.migrate import latest_version
from tests.support.server_process import ROOT, free_port


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
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


def _without_modules(tmp_path, *names: str) -> dict[str, str]:
    """Environment for a server that cannot import ``names``, as on a host missing a dependency."""
    site = tmp_path / "site-without"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sys\n"
        f"BLOCKED = {set(names)!r}\n"
        "class _Missing:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] in BLOCKED:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Missing())\n"
    )
    return {"PYTHONPATH": str(site), "CHATIDK_DATA_DIR": str(tmp_path / "data")}


def test_a_worker_class_that_cannot_load_is_one_clear_line(tmp_path):
    result = run(
        "run",
        CHATIDK_DATABASE_URL="postgresql://nobody@127.0.0.1:1/x",
        **_without_modules(tmp_path, "packaging"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().splitlines() == [
        "ChatIDK cannot start: the gevent worker cannot load (No module named 'packaging'); install the "
        "server's requirements: pip install -r requirements-server.txt"
    ]


def test_an_unreachable_database_is_one_clear_line():
    result = run("run", CHATIDK_DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("ChatIDK cannot start: the database is unreachable (")


def test_a_worker_that_cannot_boot_stops_the_server_instead_of_respawning(database_url, tmp_path):
    env = _without_modules(tmp_path, "flask_sock")
    result = run("run", CHATIDK_DATABASE_URL=database_url, CHATIDK_PORT=str(free_port()), **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "ChatIDK cannot start a worker: ModuleNotFoundError: No module named 'flask_sock'" in output
    assert "listening" not in output
    assert result.stderr.strip().splitlines()[-1].startswith("ChatIDK stopped: its workers could not start")


def _listening(command: list[str], database_url: str, tmp_path) -> None:
    """Start ``command``, read its log until it says "listening", and check that /healthz answers then."""
    port = free_port()
    env = {
        **os.environ,
        "CHATIDK_DATABASE_URL": database_url,
        "CHATIDK_PORT": str(port),
        "CHATIDK_DATA_DIR": str(tmp_path),
        "CHATIDK_WORKERS": "2",
    }
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "ChatIDK listening on" in line:
                break
        else:
            raise AssertionError("the server never said it was listening:\n" + "".join(seen))
        assert f"ChatIDK listening on http://127.0.0.1:{port} (2 workers)" in seen[-1]
        # The line means it answers now: no retry, no wait.
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        proc.stderr.close()


def test_listening_is_said_only_once_the_server_answers(database_url, tmp_path):
    _listening([sys.executable, "-m", "server"], database_url, tmp_path)


def test_the_systemd_unit_s_gunicorn_command_serves_with_the_same_settings(database_url, tmp_path):
    """chatidk.service runs gunicorn on packaging/server/gunicorn.conf.py: that path works too."""
    unit = (ROOT / "packaging/server/chatidk.service").read_text()
    exec_start = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    args = exec_start.split("=", 1)[1].split()[1:]  # after /opt/chatidk/.venv/bin/gunicorn
    _listening([sys.executable, "-m", "gunicorn", *args], database_url, tmp_path)
