"""What ``bot eval retrieval`` does after argparse: load, run, write and print the report."""

from __future__ import annotations

import argparse
import sys

from apps.eval.pairwise import resolve_out_dir
from apps.eval.retrieval_data import DataError, load_questions
from config import Settings


def retrieval_command(args: argparse.Namespace, settings: Settings) -> int:
    from apps.cli.access import viewer
    from apps.eval.retrieval import run_retrieval_eval
    from apps.eval.retrieval_report import render_markdown, write_report
    from knowledge.errors import KBError

    if args.k < 1:
        return _fail("-k must be at least 1")
    try:
        data = load_questions(args.data)
        report = run_retrieval_eval(settings, data, data_name=str(args.data), k=args.k,
                                    collection=args.collection, rerank_model=args.rerank_model,
                                    viewer=viewer(settings, args.as_principal))
    except DataError as exc:
        return _fail(str(exc))
    except KBError as exc:
        return _fail(f"{exc}", 1)
    out = resolve_out_dir(settings.eval.out_dir, "retrieval", args.out, False)
    paths = write_report(out, report)
    sys.stdout.write(render_markdown(report) + "\n\n")
    sys.stdout.write("written: " + ", ".join(str(p) for p in paths) + "\n")
    return 0


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"bot eval: {message}\n")
    return code
