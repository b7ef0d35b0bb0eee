"""`make bench` / `python -m bench`: list the benches, or run one by name with its own arguments.

The benches are separate scripts because each needs its own scratch database and several run
for many minutes (1M and 5M appeals); running them all in one go would take hours.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELPERS = {"__main__", "common", "tiles_tipg"}  # not benches: this entry, shared setup, tipg's launcher


def benches() -> dict[str, str]:
    """Each bench script's name and the first line of its docstring."""
    found = {}
    for path in sorted(HERE.glob("*.py")):
        if path.stem not in HELPERS:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            found[path.stem] = doc.splitlines()[0] if doc else ""
    return found


def main(argv: list[str]) -> int:
    known = benches()
    if not argv or argv[0] in {"-h", "--help", "list"}:
        print("usage: make bench BENCH='<name> [arguments]'   or   python -m bench <name> [arguments]\n")
        width = max(map(len, known))
        for name, summary in known.items():
            print(f"  {name:<{width}}  {summary}")
        print("\nResults of earlier runs: bench/*.md.")
        return 0
    name, *rest = argv
    if name not in known:
        print(f"no bench named {name!r}; one of: {', '.join(known)}", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(HERE / f"{name}.py"), *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
