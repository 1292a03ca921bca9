"""The layers import only downward, as docs/architecture.md's table says: a walk of every
import in the code.

Every ``import`` and ``from … import`` counts, lazy ones inside functions, ``TYPE_CHECKING``
ones and ``importlib.import_module("…")`` with a literal name included: a dependency is a
dependency, whenever it is loaded. The table is read from the doc, so the doc and the test
cannot disagree.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
ROW = re.compile(r"^\| `(?P<folder>[a-z_]+)/` \| [^|]+ \| (?P<allowed>[^|]+) \|$")


def read_table(doc: Path = DOC) -> dict[str, set[str]]:
    """layer -> the layers it may import, from the doc's table, in the table's order."""
    table: dict[str, set[str]] = {}
    for line in doc.read_text(encoding="utf-8").splitlines():
        if (row := ROW.match(line.strip())) is None:
            continue
        allowed = row["allowed"].strip()
        above = set(table)
        if allowed.startswith("everything above"):
            table[row["folder"]] = above
        elif allowed == "nothing":
            table[row["folder"]] = set()
        else:  # only the backticked names before any parenthesis count
            table[row["folder"]] = set(re.findall(r"`([a-z_]+)`", re.sub(r"\(.*?\)", "",
                                                                          allowed)))
    return table


MAY_IMPORT = read_table()


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to; None for third-party and the standard library."""
    top = module.split(".")[0]
    return top if top in MAY_IMPORT else None


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _dynamic_import(node: ast.Call) -> str | None:
    """The literal name in ``importlib.import_module("…")`` / ``import_module("…")``."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name != "import_module" or not node.args:
        return None
    first = node.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) \
        else None


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) for every import in a file: absolute or relative, lazy or not, and
    ``importlib.import_module`` with a literal argument."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and (target := _dynamic_import(node)):
            found.append((node.lineno, target))
    return found


def layer_edges(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(source layer, target layer, "file:line: target") for every import across folders."""
    edges = []
    for top in MAY_IMPORT:
        for path in sorted((root / top).rglob("*.py")):
            source = layer_of(module_name(path, root))
            assert source is not None, path
            for line, target in imports(path, root):
                wanted = layer_of(target)
                if wanted is not None and wanted != source:
                    edges.append((source, wanted, f"{path.relative_to(root)}:{line}: {target}"))
    return edges


def forbidden_imports(root: Path = ROOT) -> list[str]:
    return [f"{where.split(': ')[0]}: {source} imports {where.split(': ')[1]}"
            for source, wanted, where in layer_edges(root) if wanted not in MAY_IMPORT[source]]


def test_the_table_names_every_package_the_project_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    installed = project["tool"]["setuptools"]["packages"]["find"]["include"]
    assert {name.rstrip("*") for name in installed} == set(MAY_IMPORT)
    assert set(project["tool"]["mypy"]["packages"]) == set(MAY_IMPORT)
    assert MAY_IMPORT["config"] == set()
    assert MAY_IMPORT["contracts"] == {"config"}
    assert {"bot", "presenters"} <= MAY_IMPORT["apps"]


def test_no_layer_imports_a_layer_above_or_beside_it() -> None:
    assert forbidden_imports() == []


def test_the_folders_import_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = {layer: set() for layer in MAY_IMPORT}
    for source, wanted, _ in layer_edges():
        graph[source].add(wanted)
    done: set[str] = set()

    def visit(layer: str, path: tuple[str, ...]) -> None:
        assert layer not in path, " -> ".join((*path, layer))
        if layer not in done:
            for nxt in graph[layer]:
                visit(nxt, (*path, layer))
            done.add(layer)

    for layer in graph:
        visit(layer, ())


@pytest.mark.parametrize(("module", "layer"), [
    ("contracts.events", "contracts"), ("bot.session", "bot"), ("backends", "backends"),
    ("presenters.slack.app", "presenters"), ("json", None), ("botany", None),
])
def test_modules_are_placed_in_their_layer(module: str, layer: str | None) -> None:
    assert layer_of(module) == layer


def test_the_walk_finds_lazy_relative_dynamic_and_type_checking_imports(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "probe.py").write_text(
        "import importlib\nfrom typing import TYPE_CHECKING\nfrom . import clock\n"
        "if TYPE_CHECKING:\n    from agents.tools_agent import ToolCallingAgent\n"
        "def f():\n    from presenters.terminal import chat\n"
        "def g():\n    return importlib.import_module('bot.session')\n", encoding="utf-8")
    assert forbidden_imports(tmp_path) == [
        "tools/probe.py:5: tools imports agents.tools_agent.ToolCallingAgent",
        "tools/probe.py:7: tools imports presenters.terminal.chat",
        "tools/probe.py:9: tools imports bot.session",
    ]


def test_the_table_is_read_as_written(tmp_path: Path) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("| `config/` | x | nothing |\n| `contracts/` | x | `config` |\n"
                   "| `knowledge/` | x | `contracts`, `backends` (the `openai` client) |\n"
                   "| `apps/` | x | everything above |\n", encoding="utf-8")
    assert read_table(doc) == {"config": set(), "contracts": {"config"},
                               "knowledge": {"contracts", "backends"},
                               "apps": {"config", "contracts", "knowledge"}}


def module_cycles(root: Path = ROOT) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a circle (any import
    counts, ``TYPE_CHECKING`` ones too: a type-only circle still ties two files together)."""
    files = {module_name(p, root): p for top in MAY_IMPORT for p in (root / top).rglob("*.py")}
    graph = {name: _targets(name, path, files, root) for name, path in files.items()}
    return [group for group in _strongly_connected(graph) if len(group) > 1]


def _targets(name: str, path: Path, files: dict[str, Path], root: Path) -> set[str]:
    found = set()
    for _, target in imports(path, root):
        while target and target not in files:  # "pkg.mod.attr" -> "pkg.mod"
            target = target.rpartition(".")[0]
        if target and target != name and not name.startswith(target + "."):
            found.add(target)  # a module's own packages are imported by Python anyway
    return found


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so a deep import chain cannot overflow the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, edges = work[-1]
            nxt = next((e for e in edges if e not in index or e in stack), None)
            if nxt is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while (top := stack.pop()) != node:
                        group.append(top)
                    groups.append(sorted([*group, node]))
            elif nxt not in index:
                index[nxt] = low[nxt] = len(index)
                stack.append(nxt)
                work.append((nxt, iter(sorted(graph[nxt]))))
            else:
                low[node] = min(low[node], index[nxt])
    return groups


def test_no_two_modules_import_each_other() -> None:
    assert module_cycles() == []


def test_a_type_only_circle_is_found(tmp_path: Path) -> None:
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "a.py").write_text("from agents.b import B\n", encoding="utf-8")
    (tmp_path / "agents" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from agents.a import A\n",
        encoding="utf-8")
    assert module_cycles(tmp_path) == [["agents.a", "agents.b"]]
