"""Finding the files under the paths given to ``bot ingest``, and how each is named."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SKIPPED_DIRS = {"node_modules", "__pycache__", "site-packages", "venv"}


@dataclass(frozen=True)
class FoundFile:
    path: str  # absolute, resolved: the file's identity in the collection
    source: str  # how citations name it: relative to the working directory when inside it


@dataclass(frozen=True)
class Discovery:
    files: list[FoundFile]
    missing: list[str]  # paths given that do not exist
    roots: list[str]  # absolute roots, for --prune


def discover(paths: list[Path]) -> Discovery:
    """Every file under ``paths`` (hidden files and folders, and vendored folders, left out)."""
    files: dict[str, FoundFile] = {}
    missing, roots = [], []
    for given in paths:
        root = given.expanduser().resolve()
        roots.append(str(root))
        if not root.exists():
            missing.append(str(given))
            continue
        for file in _walk(root) if root.is_dir() else [root]:
            resolved = str(file.resolve())
            files.setdefault(resolved, FoundFile(resolved, display_name(file, root)))
    return Discovery(sorted(files.values(), key=lambda f: f.source), missing, roots)


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, names in os.walk(root):  # symlinked folders are not followed: no loops
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        found.extend(Path(folder) / n for n in sorted(names) if not n.startswith("."))
    return [f for f in found if f.is_file()]


def display_name(file: Path, root: Path) -> str:
    """``docs/setup.md`` for a file under the working directory, else relative to the root's
    parent (so ``/srv/wiki/a.md`` ingested as ``/srv/wiki`` is ``wiki/a.md``)."""
    for base in (Path.cwd(), root.parent):
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            continue
    return file.as_posix()


def under_roots(path: str, roots: list[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
