"""shared/ is imported by the server and the client alike, from venvs that hold only their own runtime
requirements: so it imports the standard library and itself, nothing else (no Flask, no Qt, no server/)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_shared_imports_only_the_standard_library_and_itself():
    outside = []
    for path in sorted(SHARED.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in ("shared", "__future__"):
                    outside.append(f"{path.name}: {name}")
    assert outside == []
