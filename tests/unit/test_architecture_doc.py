"""docs/architecture.md names only paths that exist: a map that points nowhere misleads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATH = re.compile(r"`((?:[a-z_]+/)+(?:[a-z_]+\.(?:py|md|yaml|toml))?)`")


def named_paths(text: str) -> list[str]:
    return sorted(set(PATH.findall(text)))


def test_every_path_the_architecture_doc_names_exists() -> None:
    names = named_paths((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"))
    assert len(names) > 20
    assert [n for n in names if not (ROOT / n).exists()] == []


def test_the_pattern_reads_files_and_folders() -> None:
    assert named_paths("`bot/turn.py` and `contracts/` and `x` and `a.b`") == [
        "bot/turn.py", "contracts/"]
