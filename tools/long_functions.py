"""List functions longer than a limit (default 40 lines), longest first, outside migrations.

    python tools/long_functions.py [--limit 40] [paths ...]

A function's length counts its lines from ``def`` (decorators excluded) to its last
statement, docstring and blank lines included. Nested functions are listed on their own and
also count towards the function that holds them."""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from pathlib import Path

DEFAULT_PATHS = ("bot", "handlers", "storage", "sandbox", "bench", "tools")
SKIP = ("migrations",)


def functions(path: Path) -> Iterator[tuple[int, str, int]]:
    """(length, qualified name, first line) of every function in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[int, str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                yield (child.end_lineno or child.lineno) - child.lineno + 1, name, child.lineno
                yield from walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")

    yield from walk(tree, "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    found = []
    for root in map(Path, args.paths):
        files = [root] if root.is_file() else sorted(root.rglob("*.py"))
        for path in files:
            if any(part in SKIP for part in path.parts):
                continue
            found += [(n, f"{path}:{line} {name}") for n, name, line in functions(path) if n > args.limit]
    for n, where in sorted(found, reverse=True):
        print(f"{n:4d}  {where}")
    print(f"{len(found)} functions over {args.limit} lines")


if __name__ == "__main__":
    main()
