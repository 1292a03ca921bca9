"""``bot stats``: turns, tokens, cost, latency, errors, ratings, sources, unanswered questions."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from typing import Any

from contracts.stats_groups import STATS_GROUPS

UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_since(text: str) -> float | None:
    """``7d``, ``24h``, ``30m``, ``2w`` as seconds back from now; ``all`` as None."""
    if text.strip().lower() == "all":
        return None
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*", text.lower())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"--since {text!r} is not a duration. Fix: a number and a unit (m, h, d, w), "
            "e.g. 7d or 24h, or 'all'")
    return float(match.group(1)) * UNITS[match.group(2)]


def register(sub: Any) -> None:
    p = sub.add_parser("stats", help="usage: turns, tokens, cost, latency, errors, feedback",
                       description="Usage figures read from the store: answers, tokens, cost, "
                       "p50/p95 latency and first-token time, error rate, 👍/👎 rate, the most "
                       "cited sources and questions where the search found no passage.")
    p.add_argument("--since", type=parse_since, default=parse_since("7d"), metavar="AGE",
                   help="how far back: 30m, 24h, 7d (default), 2w, or all")
    p.add_argument("--by", choices=STATS_GROUPS, help="one row per user, channel, presenter, "
                   "model or day (UTC)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="sources and questions shown")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.add_argument("--as", dest="as_principal", metavar="PRINCIPAL",
                   help="list only the sources this person may read now (default: the "
                   "operator's report, every source)")
    p.add_argument("--rebuild", action="store_true", help="first fill the usage rollups again "
                   "from the stored turns (after an older release wrote to this store)")
    p.set_defaults(handler="apps.cli.stats:stats")


def stats(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.access import viewer
    from apps.cli.stats_render import render_report
    from bot.report_viewer import ReportViewer
    from stores import open_store
    from stores.analytics import usage_report

    url = settings.store.url.get_secret_value() if settings.store.url else None
    store = open_store(url, settings.data_dir)
    since = None if args.since is None else time.time() - args.since
    who = viewer(settings, args.as_principal)
    visible = None if who is None else ReportViewer(settings, who).source
    try:
        if args.rebuild:
            store.rebuild_rollups()  # type: ignore[attr-defined]
        report = usage_report(store, since, args.by, top=args.top,  # type: ignore[arg-type]
                              visible=visible)
    finally:
        store.close()
    if args.json:
        sys.stdout.write(json.dumps(report.model_dump(), indent=2) + "\n")
    else:
        sys.stdout.write(render_report(report) + "\n")
    return 0
