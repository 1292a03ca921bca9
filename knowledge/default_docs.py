"""The default knowledge base: the bot's own documentation, ingested on first ``make chat``.

Where the docs come from, first match wins:
1. ``kb.default_docs`` when set;
2. the source checkout the bot runs from (its ``README.md`` and ``docs/*.md``), so the
   answers follow the docs as they are edited;
3. the copy shipped inside the package (``knowledge/bundled_docs/``), for an installed bot.
   ``python -m knowledge.default_docs sync`` refreshes that copy from the checkout (run it
   before building a release).

``docs/benchmarks.md`` is left out of both (``LEFT_OUT``): it is the developers' measurement
page, whose lists of benchmark questions and tables of figures outranked the pages that
answer a user's question; the other pages still link to it.

The default docs are added only to a collection that holds nothing else: a team that has
ingested its own documents keeps a knowledge base of its own documents. Docs added from
another place before (a checkout that moved, a second clone sharing the data dir) are still
the bot's: they are replaced, not counted as the team's. A stamp file in the
data dir makes the check instant once the docs are in.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.chroma_client import chroma_path, location
from knowledge.discover import discover, under_roots
from knowledge.embedder import embedder_name

if TYPE_CHECKING:
    from config import Settings

BUNDLE = Path(__file__).resolve().parent / "bundled_docs"
CHECKOUT = Path(__file__).resolve().parents[1]
LEFT_OUT = frozenset({"benchmarks.md"})  # measurements for developers, not user documentation


def user_docs(folder: Path) -> list[Path]:
    """The folder's Markdown pages a user asks about (``LEFT_OUT`` aside), by name."""
    return sorted(p for p in folder.glob("*.md") if p.name not in LEFT_OUT and p.is_file())


def checkout_docs() -> list[Path]:
    """README.md and docs/*.md of the source checkout, when the bot runs from one.

    Files, not the folder: a stamp written when ``docs/`` itself was the root names it, so
    the next ``ensure_default`` retires that root and prunes what is no longer listed."""
    readme, docs = CHECKOUT / "README.md", CHECKOUT / "docs"
    if (CHECKOUT / "pyproject.toml").is_file() and readme.is_file() and docs.is_dir():
        return [readme, *user_docs(docs)]
    return []


def bundled_docs() -> list[Path]:
    """The copy shipped inside the package (a stale ``LEFT_OUT`` file in it is not read)."""
    return user_docs(BUNDLE) or [BUNDLE]


def default_doc_paths(settings: Settings) -> list[Path]:
    return list(settings.kb.default_docs) or checkout_docs() or bundled_docs()


def fingerprint(settings: Settings, paths: list[Path]) -> str:
    """Changes when a doc file, the collection, the embedder or the location changes."""
    digest = hashlib.sha256()
    for key in (settings.kb.collection, embedder_name(settings), location(settings)):
        digest.update(key.encode() + b"\0")
    for found in discover(paths).files:
        stat = Path(found.path).stat()
        digest.update(f"{found.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def stamp_path(settings: Settings) -> Path:
    return settings.data_dir / "kb-default-docs.json"


def ensure_default(settings: Settings) -> str:
    """Ingest the default docs if the collection needs them; a one-line account of what it did."""
    paths = default_doc_paths(settings)
    stamp = stamp_path(settings)
    mark = fingerprint(settings, paths)
    index_gone = settings.kb.url is None and not chroma_path(settings).exists()
    if (
        not index_gone
        and stamp.is_file()
        and json.loads(stamp.read_text()).get("fingerprint") == mark
    ):
        return "knowledge base: up to date"
    message = _ingest_if_ours(settings, paths, earlier_roots(stamp))
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"fingerprint": mark, "paths": [str(p) for p in paths]}))
    return message


def earlier_roots(stamp: Path) -> list[str]:
    """Where the default docs came from last time (another checkout of the bot, say)."""
    try:
        return [str(p) for p in json.loads(stamp.read_text()).get("paths", [])]
    except (OSError, ValueError):
        return []


def _ingest_if_ours(settings: Settings, paths: list[Path], earlier: list[str]) -> str:
    from knowledge.ingest import Ingestor
    from knowledge.store import KnowledgeStore

    store = KnowledgeStore.open(settings, embedder_name(settings), write=True)
    try:
        roots = [str(p.expanduser().resolve()) for p in paths]
        retired = [r for r in earlier if r not in roots]
        others = [p for p in store.manifest() if not under_roots(p, roots + retired)]
        if others:
            return (
                f"knowledge base: {store.name!r} already holds {len(others)} files of "
                "your own; the bot's docs were not added"
            )
        report = Ingestor(settings, store).run(paths, prune=True, retire=retired)
    finally:
        store.close()
    return (
        f"knowledge base: the bot's docs are in ({len(report.ingested)} files ingested, "
        f"{len(report.unchanged)} unchanged) — ask about them in the chat"
    )


def sync_bundle() -> list[Path]:
    """Copy the checkout's README.md and docs/*.md (``LEFT_OUT`` aside) into the package's
    bundled copy."""
    files = checkout_docs()
    if not files:
        raise SystemExit("no source checkout found next to this package: nothing to sync")
    BUNDLE.mkdir(exist_ok=True)
    for old in BUNDLE.glob("*.md"):
        old.unlink()
    for file in files:
        shutil.copy2(file, BUNDLE / file.name)
    return files


if __name__ == "__main__":
    if sys.argv[1:] != ["sync"]:
        raise SystemExit("usage: python -m knowledge.default_docs sync")
    for copied in sync_bundle():
        sys.stdout.write(f"bundled {copied}\n")
