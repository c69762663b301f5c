"""Where the app finds the files it loads (icons, …), the same way from a source tree and a frozen build.

Every resource goes through ``resource_path``: from source it is ``desktop/resources/NAME``; in a PyInstaller
build the spec copies that folder to ``desktop/resources`` under ``sys._MEIPASS`` (the bundle's root). Nothing
else in the app may build a path to a bundled file."""

from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    """True inside a PyInstaller build (``ChatIDK`` executable), False under ``python -m desktop``."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    if is_frozen():
        return Path(sys._MEIPASS) / "desktop" / "resources"  # type: ignore[attr-defined]  # PyInstaller sets it
    return Path(__file__).resolve().with_name("resources")


def resource_path(name: str) -> Path:
    """The path of a bundled file; a missing one is a packaging bug, so it raises rather than return None."""
    path = resources_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"resource {name!r} is missing from {resources_dir()}")
    return path
