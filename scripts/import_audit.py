"""Does this interpreter have every module a package of ours imports?  `python scripts/import_audit.py server`

Run by scripts/runtime-venvs.sh inside a venv that holds only one side's runtime requirements, so that nothing
works only because a test or build requirement happens to be installed beside it. It reads every import
statement in the package's source (also those inside functions, which an import of the modules would not
run) and finds each module without importing our code. Exit 1 with one line per missing module.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# shared/ is pure standard library that both sides import; it is audited from both venvs.
OURS = {"server", "desktop", "shared"}


def imported_modules(package: Path) -> dict[str, str]:
    """Absolute module names imported anywhere in ``package``, each with the first place that imports it."""
    found: dict[str, str] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def missing(modules: dict[str, str]) -> list[str]:
    problems = []
    for name, where in sorted(modules.items()):
        top = name.partition(".")[0]
        if top in OURS or top in sys.stdlib_module_names or top == "__future__":
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError) as exc:
            problems.append(f"{name} (imported at {where}): {exc}")
            continue
        if spec is None or (spec.origin is None and not spec.submodule_search_locations):
            problems.append(f"{name} (imported at {where}): not installed")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in OURS:
        print("usage: python scripts/import_audit.py server|desktop|shared", file=sys.stderr)
        return 2
    # Our own source tree must not be what satisfies a dependency (e.g. ./packaging as a namespace package).
    sys.path[:] = [p for p in sys.path if p not in ("", str(ROOT))]
    modules = imported_modules(ROOT / argv[0])
    problems = missing(modules)
    for line in problems:
        print(f"{argv[0]}: missing {line}", file=sys.stderr)
    if not problems:
        print(f"{argv[0]}: all {len(modules)} imported modules are installed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
