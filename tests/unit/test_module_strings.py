"""Every ``"module:attr"`` string in the code imports, and only across a boundary the layer
table allows (docs/architecture.md): such a string is an import nobody else checks."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from tests.unit.test_layering import MAY_IMPORT, ROOT, layer_of, module_name

# "package.module:attr"; a dotless "bot:ask" is an OAuth scope, not an import
TARGET = re.compile(r"^(?P<module>[a-z_]\w*(?:\.[a-z_]\w*)+):(?P<attr>[A-Za-z_]\w*)$")


def module_strings(root: Path = ROOT) -> list[tuple[str, str]]:
    """(file's module, "module:attr") for each such string naming a project module."""
    found = []
    for top in MAY_IMPORT:
        for path in sorted((root / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and (m := TARGET.match(node.value)) and layer_of(m["module"]):
                    found.append((module_name(path, root), node.value))
    return found


STRINGS = module_strings()


def test_the_walk_finds_the_registry_strings() -> None:
    assert ("bot.registry", "backends.scripted:ScriptedLLM") in STRINGS
    assert len(STRINGS) >= 10


@pytest.mark.parametrize(("where", "target"), STRINGS, ids=[t for _, t in STRINGS])
def test_each_module_string_imports_and_stays_in_its_layers(where: str, target: str) -> None:
    module, _, attr = target.partition(":")
    source, wanted = layer_of(where), layer_of(module)
    assert source is not None and wanted is not None
    assert wanted == source or wanted in MAY_IMPORT[source], f"{where} names {target}"
    assert hasattr(importlib.import_module(module), attr), f"{target} has no {attr}"
