"""Fixtures shared by every test: PostgreSQL, the Flask app and client, live server processes."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

from server import create_app
from server.config import Config
from tests.support.pg import TestDatabases
from tests.support.redis import RedisServer
from tests.support.server_process import ServerProcess


@pytest.fixture(scope="session")
def test_databases() -> Iterator[TestDatabases]:
    # Not under pytest's tmp dir: pytest resets its mode to 0700 at the start of every run, which would lock
    # the embedded cluster's own system user (when running as root) out of a concurrent run.
    scratch = Path(tempfile.mkdtemp(prefix="chatidk-test-pg-"))
    databases = TestDatabases.start(scratch)
    yield databases
    databases.close()
    databases.stop()
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def database_url(test_databases: TestDatabases) -> Iterator[str]:
    """A fresh database at the current schema, for this test alone."""
    name = test_databases.create()
    yield test_databases.url_for(name)
    test_databases.drop(name)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own on a free loopback port (the Redis broker's tests)."""
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    app = create_app(Config(database_url=database_url, data_dir=tmp_path, bcrypt_rounds=4, db_pool_size=5))
    app.config["TESTING"] = True
    yield app
    from server.services.background import jobs

    jobs.drain()  # mail jobs of this test run against its database, which goes next
    context = app.extensions["chatidk"]
    context.hub.stop()
    context.db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def server_factory(database_url: str, tmp_path: Path) -> Iterator:
    """Start real server processes on the test's database: ``server_factory(workers=1)``."""
    started: list[ServerProcess] = []

    def start(**kwargs) -> ServerProcess:
        server = ServerProcess(database_url, tmp_path, **kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live_server(server_factory) -> ServerProcess:
    """One real server process (gunicorn + gevent) on a fresh database."""
    return server_factory()


@pytest.fixture
def users(live_server) -> Iterator:
    """``users("alice")`` registers and signs in a user on the live server; sessions close at teardown."""
    from tests.support.api import ApiClient

    made: list[ApiClient] = []

    def make(username: str, *, register: bool = True, server=None) -> ApiClient:
        client = ApiClient((server or live_server).url, username, register_first=register)
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


@pytest.fixture
def streams(live_server) -> Iterator:
    """``streams(client)`` opens a WebSocket for the client's token; closed at teardown."""
    from tests.support.events import EventStream

    opened: list[EventStream] = []

    def open_stream(client, server=None) -> EventStream:
        stream = EventStream((server or live_server).ws_url, client.token)
        opened.append(stream)
        return stream

    yield open_stream
    for stream in opened:
        stream.close()
