"""`python -m desktop [--server URL] [--data-dir DIR]`: start the ChatIDK desktop client.

`--smoke-test URL` checks a build against a live server instead and exits (desktop/smoke.py)."""

from __future__ import annotations

import argparse
import sys

from desktop.version import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop", description="ChatIDK desktop client")
    parser.add_argument(
        "--server", help="server address, e.g. http://127.0.0.1:8000 (default: the last one used)"
    )
    parser.add_argument(
        "--data-dir", help="where to keep the cache, outbox and settings (default: CHATIDK_DESKTOP_DATA_DIR)"
    )
    parser.add_argument("--version", action="version", version=f"ChatIDK {__version__}")
    parser.add_argument(
        "--smoke-test",
        metavar="URL",
        help="check this build against the live server at URL (two throwaway accounts, one message) and exit",
    )
    parser.add_argument(
        "--smoke-timeout", type=float, default=60.0, metavar="SECONDS", help="limit for --smoke-test"
    )
    args, qt_args = parser.parse_known_args(argv)
    if args.smoke_test:
        from desktop.smoke import run_smoke_test

        return run_smoke_test(args.smoke_test, args.smoke_timeout)

    from desktop.app import run

    return run(server_url=args.server, data_dir=args.data_dir, qt_argv=[sys.argv[0], *qt_args])


if __name__ == "__main__":
    sys.exit(main())
