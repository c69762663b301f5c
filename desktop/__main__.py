"""`python -m desktop [--server URL] [--data-dir DIR]`: start the ChatIDK desktop client."""

from __future__ import annotations

import argparse
import sys

from desktop.app import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop", description="ChatIDK desktop client")
    parser.add_argument(
        "--server", help="server address, e.g. http://127.0.0.1:8000 (default: the last one used)"
    )
    parser.add_argument(
        "--data-dir", help="where to keep the cache, outbox and settings (default: CHATIDK_DESKTOP_DATA_DIR)"
    )
    args, qt_args = parser.parse_known_args(argv)
    return run(server_url=args.server, data_dir=args.data_dir, qt_argv=[sys.argv[0], *qt_args])


if __name__ == "__main__":
    sys.exit(main())
