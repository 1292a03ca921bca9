"""``python -m benchmarks.stale`` (``make bench-stale``): which sections of
docs/benchmarks.md measured code that has changed since.

A section's code is its benchmark module and every project module that module imports,
directly or through others (read statically, lazy imports included), and every project
module named in a string: the module a benchmark's child process runs
(``[sys.executable, "-m", "apps.cli.main", "serve", "api"]``, ``"presenters.api.app:create_app"``)
and every module that module loads by name (the CLI's ``"apps.cli.serve:serve"``, its
``f"presenters.{name}"``): code the section measures though nothing imports it. A section is stale
when git shows a change to any of those files between the commit in its stamp and the
working tree, or when it has no commit stamp at all. Exit status 1 when any is stale.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from benchmarks.stamp import MARK, ROOT, git

PAGE = ROOT / "docs" / "benchmarks.md"
SECTION = re.compile(r"<!-- bench:(?P<name>\w+) -->(?P<body>.*?)<!-- /bench:(?P=name) -->", re.S)
PROJECT = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
DOTTED = re.compile(r"[a-z_]\w*(?:\.\w+)+(?::\w+)?")  # a.b.c, or a.b:attr as uvicorn takes it


def module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported(path: Path) -> set[str]:
    """Project modules ``path`` imports (``from a.b import c`` may name module ``a.b.c``),
    and those it names in strings (what a child process runs, what the CLI loads by name)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and DOTTED.fullmatch(node.value):
            names.add(node.value.partition(":")[0])
        elif isinstance(node, ast.JoinedStr):
            names |= _any_of(node)
    return {n for n in names if n.split(".")[0] in PROJECT}


def _any_of(text: ast.JoinedStr) -> set[str]:
    """For ``f"presenters.{name}"``: every module the name could pick in that package (but
    not for the page's driver's ``f"benchmarks.{name}"``: a section measures none of the
    others)."""
    head = text.values[0] if text.values else None
    if not (isinstance(head, ast.Constant) and isinstance(head.value, str)
            and head.value.endswith(".") and DOTTED.fullmatch(head.value + "x")
            and head.value != "benchmarks."):
        return set()
    folder = ROOT.joinpath(*head.value.rstrip(".").split("."))
    children = [p.stem for p in folder.glob("*.py")] + \
        [p.parent.name for p in folder.glob("*/__init__.py")]
    return {head.value + c for c in children if c != "__init__"}


def code_of(benchmark: str) -> set[Path]:
    """The files a benchmark measures: its module and what it imports or names (see
    :func:`imported`), transitively."""
    seen: set[Path] = set()
    todo = [f"benchmarks.{benchmark}"]
    while todo:
        path = module_file(todo.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        todo += imported(path)
    return seen


def stale_sections(page: str) -> list[tuple[str, str]]:
    """(section, why) for each section whose measured code changed or that has no stamp."""
    out = []
    for match in SECTION.finditer(page):
        name, mark = match["name"], MARK.search(match["body"])
        if mark is None:
            out.append((name, "no commit in its stamp (measured before stamps had one)"))
            continue
        files = [str(p.relative_to(ROOT)) for p in sorted(code_of(name))]
        changed = git("diff", "--name-only", mark["commit"], "--", *files).split()
        if changed:
            shown = ", ".join(changed[:4]) + (f" and {len(changed) - 4} more" if
                                               len(changed) > 4 else "")
            out.append((name, f"changed since {mark['commit']}: {shown}"))
    return out


def main() -> int:
    stale = stale_sections(PAGE.read_text(encoding="utf-8"))
    for name, why in stale:
        print(f"{name}: {why}")
    if not stale:
        print("every section measured the code as it is now")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
