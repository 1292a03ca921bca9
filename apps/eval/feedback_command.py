"""What ``bot eval feedback`` does once argparse has read the flags."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from apps.cli.access import viewer
from apps.eval.commands import PlanError, _fail, asker, check_profiles, eval_settings
from apps.eval.feedback import FeedbackCase, read_cases, run_feedback_eval, write_cases
from apps.eval.feedback_report import render, write
from apps.eval.pairwise import resolve_out_dir
from apps.eval.summary import summarize
from bot.report_viewer import ReportViewer
from config import Settings
from contracts.access import Principal
from stores import open_store
from stores.rated import rated_answers


def collect_cases(settings: Settings, since_s: float | None, limit: int | None,
                  viewer: Principal | None = None) -> list[FeedbackCase]:
    """Every answer whose latest rating is 👎, as a case, oldest first; with a ``viewer``,
    only conversations whose every source they may read now (docs/access.md)."""
    url = settings.store.url.get_secret_value() if settings.store.url else None
    store = open_store(url, settings.data_dir)
    since = 0.0 if since_s is None else time.time() - since_s
    try:
        rated = rated_answers(store, -1, since)  # type: ignore[arg-type]
    finally:
        store.close()
    shown = ReportViewer(settings, viewer)
    cases = [c for r in rated if shown.conversation(r.turns)
             and (c := FeedbackCase.from_rated(r)) is not None]
    return cases[:limit]


def feedback_command(args: argparse.Namespace, settings: Settings) -> int:
    settings = eval_settings(args, settings)
    judge = args.backend or settings.roles.profile_for("judge")
    try:
        check_profiles(settings, [judge])
    except PlanError as exc:
        return _fail(str(exc))
    out = resolve_out_dir(settings.eval.out_dir, "feedback", args.out, args.resume)
    if args.resume and (out / "cases.jsonl").exists():
        cases = read_cases(out)
    else:
        if (out / "results.jsonl").exists():
            return _fail(f"{out} already holds results. Fix: --resume, or --out NEW_DIR")
        cases = collect_cases(settings, args.since, args.limit,
                              viewer(settings, args.as_principal))
        write_cases(out, cases)
    if not cases:
        sys.stdout.write("No answer rated 👎 in the store: nothing to re-run.\n")
        return 0
    try:
        results = asyncio.run(run_feedback_eval(settings, cases, out, judge,
                                                settings.eval.concurrency, not args.no_progress,
                                                asker(args)))
    except KeyboardInterrupt:
        return _fail(f"interrupted; finished cases are saved in {out} (--resume --out {out})", 130)
    summary = summarize([r for _, r in results], "feedback", judge)
    paths = write(out, summary, results)
    sys.stdout.write(render(summary, results) + "\n\nwritten: "
                     + ", ".join(str(p) for p in paths) + "\n")
    return 0
