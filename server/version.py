"""The server's version: the same number as desktop/version.py and pyproject.toml (a test checks)."""

__version__ = "0.1.0"
