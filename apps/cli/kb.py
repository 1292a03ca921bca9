"""``bot ingest`` and ``bot kb search|stats|ensure-default``: the knowledge base from the shell.

Only argparse and the standard library at module level: chromadb, onnxruntime and the
model load when a command runs, never for ``bot --help``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

RAY_INGEST = "knowledge.ray_ingest"


def register(sub: Any) -> None:
    ingest = sub.add_parser("ingest", help="add documents to the knowledge base (incremental)")
    ingest.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to ingest")
    ingest.add_argument("--collection", metavar="NAME", help="collection (default kb.collection)")
    ingest.add_argument(
        "--prune",
        action="store_true",
        help="remove chunks of files under PATH that no longer exist",
    )
    ingest.add_argument("--ray", action="store_true", help="run load/chunk/embed on Ray Data")
    ingest.add_argument("--address", metavar="ADDR", help="Ray cluster (default: start locally)")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.set_defaults(handler="apps.cli.kb:ingest")
    kb = sub.add_parser("kb", help="search and inspect the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    search = kb_sub.add_parser("search", help="show the passages a question retrieves")
    search.add_argument("query", nargs="+", help="what to look for")
    search.add_argument("--top-k", type=int, metavar="N", help="passages (default kb.top_k)")
    search.add_argument("--min-score", type=float, metavar="S", help="default kb.min_score")
    search.add_argument("--collection", metavar="NAME")
    search.add_argument("--as", dest="as_principal", metavar="PRINCIPAL",
                        help="only what this person may read (docs/access.md)")
    search.set_defaults(handler="apps.cli.kb:search")
    stats = kb_sub.add_parser("stats", help="chunks, files and embedder of a collection")
    stats.add_argument("--collection", metavar="NAME")
    stats.set_defaults(handler="apps.cli.kb:stats")
    default = kb_sub.add_parser("ensure-default", help="ingest the bot's own docs on first run")
    default.set_defaults(handler="apps.cli.kb:ensure_default")


def _fail(exc: BaseException) -> int:
    """A polite one-line error with an id; details go to the log, never a traceback."""
    import structlog

    from bot.failures import new_error_id

    error_id = new_error_id()
    structlog.get_logger("apps.cli.kb").warning(
        "kb_command_failed", error_id=error_id, error_type=type(exc).__name__, error=str(exc)
    )
    print(f"bot: {exc} (error id: {error_id})", file=sys.stderr)
    return 1


def _needs_rag() -> str | None:
    missing = [
        m for m in ("chromadb", "onnxruntime", "tokenizers") if not importlib.util.find_spec(m)
    ]
    if missing:
        return (
            f"bot: the knowledge base needs {', '.join(missing)}. "
            "Fix: pip install 'bot[rag]' (or `make setup-chat`)"
        )
    return None


def ingest(args: argparse.Namespace, settings: Any) -> int:
    if (problem := _needs_rag()) is not None:
        print(problem, file=sys.stderr)
        return 2
    paths = [Path(p) for p in args.paths]
    from knowledge.errors import KBError

    try:
        if args.ray:
            report = _ingest_with_ray(settings, paths, args)
            if report is None:
                return 2
        else:
            from knowledge.ingest import ingest as run_ingest

            report = run_ingest(
                settings,
                paths,
                collection=args.collection,
                prune=args.prune,
                progress=False if args.no_progress else None,
            )
    except KBError as exc:
        return _fail(exc)
    print(report.summary())
    return 0


def _ingest_with_ray(settings: Any, paths: list[Path], args: argparse.Namespace) -> Any:
    if importlib.util.find_spec("ray") is None:
        print("bot: --ray needs Ray. Fix: pip install 'bot[ray]'", file=sys.stderr)
        return None
    from bot.registry import load

    ingest_with_ray = load(f"{RAY_INGEST}:ingest_with_ray")
    return ingest_with_ray(
        settings,
        paths,
        collection=args.collection,
        prune=args.prune,
        address=args.address,
        progress=False if args.no_progress else None,
    )


def search(args: argparse.Namespace, settings: Any) -> int:
    if (problem := _needs_rag()) is not None:
        print(problem, file=sys.stderr)
        return 2
    from knowledge.errors import KBError
    from knowledge.search import Searcher

    query = " ".join(args.query)
    searcher = Searcher(settings, collection=args.collection)
    principal = None
    if getattr(args, "as_principal", None):
        from apps.cli.access import principals

        principal = principals(settings).person(args.as_principal)
    try:
        passages = searcher.search(query, args.top_k, args.min_score, principal)
        empty = not passages and searcher.count() == 0
    except KBError as exc:
        return _fail(exc)
    if empty:
        print("The knowledge base is empty. Fix: `bot ingest PATH` first.")
    elif not passages:
        print(f"No passage matches {query!r} (min score {settings.kb.min_score}).")
    for n, p in enumerate(passages, 1):
        where = f"{p.source} — {p.heading}" if p.heading else p.source
        print(f"[{n}] {where}  (score {p.score:.3f})")
        if p.url or p.modified:  # a synced source's passage: the link and its age
            age = f"modified {p.modified[:10]}" if p.modified else ""
            print("    " + " · ".join(x for x in (p.url, age) if x))
        print("    " + p.text.replace("\n", "\n    ") + "\n")
    return 0


def stats(args: argparse.Namespace, settings: Any) -> int:
    if (problem := _needs_rag()) is not None:
        print(problem, file=sys.stderr)
        return 2
    from knowledge.errors import CollectionMissing, KBError
    from knowledge.stats import collection_stats

    try:
        print(collection_stats(settings, args.collection))
    except CollectionMissing as exc:
        print(f"bot: {exc}", file=sys.stderr)
        return 1
    except KBError as exc:
        return _fail(exc)
    return 0


def ensure_default(args: argparse.Namespace, settings: Any) -> int:
    if not settings.kb.enabled:
        return 0
    if (problem := _needs_rag()) is not None:
        print(
            problem.replace("bot: ", "bot: skipping the default knowledge base: "), file=sys.stderr
        )
        return 0  # chat still works without the knowledge base
    from knowledge.default_docs import ensure_default as ensure
    from knowledge.errors import KBError

    try:
        print(ensure(settings), file=sys.stderr)
    except KBError as exc:
        _fail(exc)
        return 0  # `make chat` goes on to the chat, without the knowledge base
    return 0
