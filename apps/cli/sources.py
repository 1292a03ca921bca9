"""``bot sources list | sync | status | prune``: the sources that sync themselves.

Only argparse at module level; connectors, chromadb and the embedding model load when a
command runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    sources = sub.add_parser("sources", help="sources that keep the knowledge base in sync")
    actions = sources.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    actions.add_parser("list", help="the configured sources").set_defaults(
        handler="apps.cli.sources:list_sources")
    sync = actions.add_parser("sync", help="sync sources now (all enabled ones by default)")
    sync.add_argument("names", nargs="*", metavar="NAME", help="sources to sync")
    sync.add_argument("--watch", action="store_true",
                      help="keep running: sync each source whenever its schedule says")
    sync.add_argument("--allow-mass-delete", action="store_true",
                      help="delete even when a listing shrank by more than half")
    sync.add_argument("--no-progress", action="store_true", help="no progress bar")
    sync.add_argument("--permissions-only", action="store_true",
                      help="re-read only who may read each document (no content, no embedding)")
    sync.set_defaults(handler="apps.cli.sources:sync")
    actions.add_parser("status", help="last sync, changes, errors and next run").set_defaults(
        handler="apps.cli.sources:status")
    prune = actions.add_parser("prune", help="remove a source's documents from the index")
    prune.add_argument("name", metavar="NAME", help="the source (e.g. one renamed in bot.toml)")
    prune.add_argument("--collection", metavar="NAME", help="default: its collection or "
                       "kb.collection")
    prune.set_defaults(handler="apps.cli.sources:prune")


def open_bot_store(settings: Any) -> Any:
    """The bot's store (SQLite in data_dir, or store.url): where sync state lives."""
    from stores import open_store

    url = settings.store.url.get_secret_value() if settings.store.url else None
    return open_store(url, settings.data_dir)


def list_sources(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.sources_view import source_lines

    if not settings.sources:
        print("No sources configured. Fix: add [sources.NAME] to bot.toml (docs/sources.md)")
        return 0
    store = open_bot_store(settings)
    try:
        print("\n".join(source_lines(settings, store)))
    finally:
        store.close()
    return 0


def sync(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.sources_view import bar_factory
    from sources.kinds import SourceConfigError
    from sources.runner import SourceRunner, selected

    try:
        chosen = selected(settings, args.names)
    except SourceConfigError as exc:
        print(f"bot: {exc}", file=sys.stderr)
        return 2
    store = open_bot_store(settings)
    progress = None if args.no_progress or args.watch else bar_factory()
    runner = SourceRunner(settings, store, allow_mass_delete=args.allow_mass_delete,
                          progress=progress)
    try:
        if args.watch:
            return _watch(settings, runner, chosen)
        reports = (runner.permissions(chosen) if args.permissions_only
                   else runner.sync(chosen))
    finally:
        store.close()
    for report in reports:
        _print_report(report)
    return 1 if any(r.outcome == "failed" for r in reports) else 0


def _print_report(report: Any) -> None:
    print(report.summary())
    for key, reason in report.skipped[:20]:
        print(f"  skipped {key}: {reason}")
    for error in report.errors[:20]:
        print(f"  error: {error}")


def _watch(settings: Any, runner: Any, chosen: dict[str, Any]) -> int:
    """Sync now, then whenever each source is due, until Ctrl-C."""
    from sources.scheduler import SourceScheduler

    watched = settings.model_copy(update={"sources": chosen})
    scheduler = SourceScheduler(watched, runner)
    print(f"Watching {', '.join(chosen)}; Ctrl-C stops.", file=sys.stderr)
    for report in runner.sync({n: s for n, s in chosen.items() if not s.schedule}):
        _print_report(report)
    try:
        while True:
            for report in scheduler.run_due():
                if report.outcome != "busy":
                    _print_report(report)
            scheduler.wait_tick()
    except KeyboardInterrupt:
        return 0


def status(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.sources_view import status_lines

    store = open_bot_store(settings)
    try:
        print("\n".join(status_lines(settings, store)))
    finally:
        store.close()
    return 0


def prune(args: argparse.Namespace, settings: Any) -> int:
    from sources.prune import prune_source

    store = open_bot_store(settings)
    try:
        removed = prune_source(settings, store, args.name, args.collection)
    finally:
        store.close()
    print(f"{args.name}: removed {removed} documents from the knowledge base")
    return 0
