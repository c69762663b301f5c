"""The one place the version lives: the About dialog, `--version`, the build folder's name and the server."""

from __future__ import annotations

__version__ = "0.1.0"
