"""ChatIDK server: create_app() builds the Flask app; `python -m server` runs it under gunicorn."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from server.version import __version__ as __version__

if TYPE_CHECKING:
    from flask import Flask

    from server.config import Config
    from server.context import AppContext
    from server.db import Database
    from server.services.broker import Broker


def _green_psycopg() -> None:
    """Under gunicorn's gevent worker, make psycopg2 yield to other sockets while it waits on PostgreSQL."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        return
    if monkey.is_module_patched("socket"):
        import psycogreen.gevent

        psycogreen.gevent.patch_psycopg()


def build_context(config: Config, database: Database | None = None) -> AppContext:
    """Everything the services need, for one process: made by each app, and by the gunicorn master for its
    presence sweep. ``database`` lets a caller bring its own pool."""
    from server.context import AppContext
    from server.db import Database
    from server.files.store import open_store
    from server.services import presence, send_batch
    from server.services.file_purge import PURGE_EVERY_SECONDS
    from server.services.group_commit import GroupCommit
    from server.services.live import Hub
    from server.services.preview_slots import PreviewSlots
    from server.services.schedule import Schedule
    from server.services.session_cache import SessionCache
    from server.services.throttle import PRUNE_EVERY_SECONDS

    if not config.database_url:
        raise RuntimeError("create_app needs a database URL (python -m server starts an embedded one)")
    context = AppContext(
        config=config,
        db=database or Database(config.database_url, config.db_pool_size),
        broker=_broker(config),
        store=open_store(config.data_dir),
        preview_slots=PreviewSlots(config.preview_jobs),
        purge_schedule=Schedule(PURGE_EVERY_SECONDS),
        prune_schedule=Schedule(PRUNE_EVERY_SECONDS),
    )
    context.hub = Hub(context, presence.instance_of(config))
    context.sends = GroupCommit(partial(send_batch.run_batch, context), config.group_commit_max)
    context.session_cache = SessionCache(config.session_cache_seconds)
    return context


def stop_serving(app: Flask) -> int:
    """The process of ``app`` is stopping (its gunicorn worker was told to, server/gunicorn_worker.py): close
    every WebSocket with 1001 now, so that its client reconnects to the successor or another process and
    catches up, rather than being cut off without a close when the graceful timeout ends. Returns how many."""
    from server.api.context import EXTENSION

    return app.extensions[EXTENSION].hub.going_away()


def _broker(config: Config) -> Broker:
    """Redis pub/sub when CHATIDK_REDIS_URL is set, else PostgreSQL's LISTEN/NOTIFY."""
    if config.redis_url:
        from server.services.broker_redis import RedisBroker

        return RedisBroker(config.redis_url)
    from server.services.broker import PostgresBroker

    assert config.database_url
    return PostgresBroker(config.database_url)


def create_app(config: Config | None = None, *, database: Database | None = None) -> Flask:
    """Build the app. ``config`` defaults to the environment; ``database`` lets tests share a pool."""
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from server import file_wrapper
    from server.api import (
        accounts,
        conversations,
        events,
        files,
        messages,
        meta,
        search,
        security,
        two_factor,
    )
    from server.api import context as api_context
    from server.api.files import FileIdConverter
    from server.api.json_answers import JsonAnswers
    from server.api.routing import IdConverter
    from server.api.socket_reader import ReadingThread
    from server.body_timeout import BodyDeadline
    from server.config import Config
    from server.errors import register_error_handlers
    from server.limits import MAX_JSON_BYTES

    _green_psycopg()
    config = config or Config.from_env()
    context = build_context(config, database)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_JSON_BYTES
    app.config["SOCK_SERVER_OPTIONS"] = {
        "ping_interval": config.ws_ping_interval,
        "max_message_size": 64 * 1024,
    }
    if not config.ws_deflate:
        # No extension is negotiated: each socket's frames are read by server/api/socket_reader.py.
        app.config["SOCK_SERVER_OPTIONS"]["thread_class"] = ReadingThread
    app.json = JsonAnswers(app)
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["file_id"] = FileIdConverter
    app.url_map.strict_slashes = False
    # WSGI middleware goes around app.wsgi_app, as Flask documents it; mypy sees a method being replaced.
    app.wsgi_app = BodyDeadline(app.wsgi_app, config.body_timeout_seconds)  # type: ignore[method-assign]
    file_wrapper.install(app)
    if config.proxy_hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config.proxy_hops, x_proto=config.proxy_hops, x_host=config.proxy_hops
        )

    api_context.install(app, context)

    register_error_handlers(app)
    if config.access_log:
        from server import request_log

        request_log.install(app)
    for routes in (accounts, conversations, events, files, messages, meta, search, security, two_factor):
        app.register_blueprint(routes.bp)
    app.register_blueprint(meta.health)
    events.sock.init_app(app)
    return app
