"""``bot eval answers QUESTIONS.json [--against PROFILE]``: the command's glue."""

from __future__ import annotations

import argparse
import asyncio
import sys

from apps.eval.answers import load_answer_cases
from apps.eval.answers_report import render
from apps.eval.answers_run import compare, run_config, with_primary
from apps.eval.commands import PlanError, _fail, asker, check_profiles, eval_settings
from apps.eval.data import DataError
from apps.eval.pairwise import resolve_out_dir
from apps.eval.progress import Progress
from config import Settings


def answers_command(args: argparse.Namespace, settings: Settings) -> int:
    settings = eval_settings(args, settings)
    try:
        cases = load_answer_cases(args.data, args.limit)
        check_profiles(settings, [args.against] if args.against else [])
    except (DataError, PlanError) as exc:
        return _fail(str(exc))
    out = resolve_out_dir(settings.eval.out_dir, "answers", args.out, False)
    configs = [(settings.roles.primary, settings)]
    if args.against:
        configs.append((args.against, with_primary(settings, args.against)))
    bar = Progress(len(cases) * len(configs), not args.no_progress)
    try:
        runs = [asyncio.run(run_config(s, cases, label, lambda: bar.update(1), asker(args)))
                for label, s in configs]
        records = asyncio.run(compare(settings, cases, runs[0], runs[1])) if runs[1:] else []
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    finally:
        bar.close()
    sys.stdout.write(render(cases, runs, records, out) + "\n")
    return 0 if all(s.correct for run in runs[:1] for s in run.scores) else 1
