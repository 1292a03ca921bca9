"""The layers import only downward (docs/architecture.md): a walk of every import in the code.

Every ``import`` and ``from … import`` counts, lazy ones inside functions and
``TYPE_CHECKING`` ones included: a dependency is a dependency, whenever it is loaded.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BELOW_APPS = {"config", "bot.contracts", "bot.llm", "bot.store", "knowledge", "judging",
              "agents", "tools", "bot", "sources"}
# layer -> the project layers it may import (besides itself and third-party code)
MAY_IMPORT: dict[str, set[str]] = {
    "config": set(),
    "bot.contracts": {"config"},
    "bot.llm": {"bot.contracts", "config"},
    "bot.store": {"bot.contracts", "config"},
    "knowledge": {"bot.contracts", "config", "bot.llm"},  # the one OpenAI client and retries
    "judging": {"bot.contracts", "config"},
    "sources": {"bot.contracts", "config", "knowledge"},  # sources feed the knowledge base
    "agents": {"bot.contracts", "config", "judging"},
    "tools": {"bot.contracts", "config", "judging", "knowledge"},
    "bot": BELOW_APPS - {"bot"},
    "presenters": {"bot", "bot.contracts", "config"},
    "apps": BELOW_APPS | {"presenters"},
}
LAYERS = sorted(MAY_IMPORT, key=len, reverse=True)  # "bot.contracts" before "bot"


def layer_of(module: str) -> str | None:
    """The layer a dotted module name belongs to; None for third-party and the standard library."""
    for layer in LAYERS:
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) for every import in a file, absolute or relative, lazy or not."""
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
            # "from bot import contracts" imports bot.contracts, not bot: name each one
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def forbidden_imports(root: Path = ROOT) -> list[str]:
    problems = []
    for top in ("config", "bot", "knowledge", "sources", "judging", "agents", "tools",
                "presenters", "apps"):
        for path in sorted((root / top).rglob("*.py")):
            source = layer_of(module_name(path, root))
            assert source is not None, path
            for line, target in imports(path, root):
                wanted = layer_of(target)
                if wanted is not None and wanted != source and wanted not in MAY_IMPORT[source]:
                    problems.append(f"{path.relative_to(root)}:{line}: {source} imports {target}")
    return problems


def test_no_layer_imports_a_layer_above_or_beside_it() -> None:
    assert forbidden_imports() == []


@pytest.mark.parametrize(("module", "layer"), [
    ("bot.contracts.events", "bot.contracts"), ("bot.session", "bot"), ("bot.llm", "bot.llm"),
    ("presenters.slack.app", "presenters"), ("json", None), ("botany", None),
])
def test_modules_are_placed_in_their_layer(module: str, layer: str | None) -> None:
    assert layer_of(module) == layer


def test_the_walk_finds_lazy_relative_and_type_checking_imports(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "probe.py").write_text(
        "from typing import TYPE_CHECKING\nfrom . import clock\n"
        "if TYPE_CHECKING:\n    from agents.primary import ToolCallingAgent\n"
        "def f():\n    from presenters.terminal import chat\n", encoding="utf-8")
    assert forbidden_imports(tmp_path) == [
        "tools/probe.py:4: tools imports agents.primary.ToolCallingAgent",
        "tools/probe.py:6: tools imports presenters.terminal.chat",
    ]
