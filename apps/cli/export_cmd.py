"""``bot export finetune``: 👍 (or 👎) conversations as fine-tuning JSONL, PII redacted."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from apps.cli.stats import parse_since

BUILTIN_REDACTIONS = ("email", "phone", "keys")


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="export data from the store (fine-tuning JSONL)")
    kinds = p.add_subparsers(dest="export_command", metavar="KIND", required=True)
    f = kinds.add_parser(
        "finetune", help="rated conversations as OpenAI chat fine-tuning JSONL",
        description="One example per rated answer: system prompt as used, the conversation "
        "before it, tool calls and results, the answer. E-mail addresses, phone numbers and "
        "keys are redacted; add your own redaction with --redact module:function.")
    f.add_argument("--rating", choices=["up", "down"], default="up",
                   help="which answers: rated 👍 (default) or 👎")
    f.add_argument("--since", type=parse_since, default=None, metavar="AGE",
                   help="only ratings this recent: 24h, 7d, 2w (default: all)")
    f.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    f.add_argument("--redact", action="append", default=[], metavar="MODULE:FUNCTION",
                   help="also pass every text through this function (repeatable)")
    f.add_argument("--keep", action="append", default=[], choices=BUILTIN_REDACTIONS,
                   help="do not redact this built-in kind (repeatable)")
    f.add_argument("--as", dest="as_principal", metavar="PRINCIPAL",
                   help="only conversations whose every source this person may read now "
                   "(default: the operator's export, every conversation)")
    f.set_defaults(handler="apps.cli.export_cmd:finetune")


def finetune(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.access import viewer
    from apps.export.finetune import FinetuneExport, to_jsonl
    from apps.export.redaction import RedactionError, build_redactor
    from bot.catalog import build_tools
    from bot.prompts import PromptLibrary
    from bot.report_viewer import ReportViewer
    from stores import open_store
    from stores.rated import rated_answers

    try:
        redact = build_redactor([b for b in BUILTIN_REDACTIONS if b not in args.keep],
                                args.redact)
    except RedactionError as exc:
        sys.stderr.write(f"bot export: {exc}\n")
        return 2
    prompts = PromptLibrary(settings.environment, settings.prompts_dir)
    export = FinetuneExport(prompts, settings.agent_name(), redact, build_tools(settings))
    url = settings.store.url.get_secret_value() if settings.store.url else None
    store = open_store(url, settings.data_dir)
    since = 0.0 if args.since is None else time.time() - args.since
    try:
        rated = rated_answers(store, 1 if args.rating == "up" else -1, since)  # type: ignore[arg-type]
    finally:
        store.close()
    # a conversation the viewer may not read is left out without a count: the summary line
    # must not say that something hidden exists
    shown = ReportViewer(settings, viewer(settings, args.as_principal))
    examples = [e for r in rated if shown.conversation(r.turns)
                and (e := export.example(r)) is not None]
    text = to_jsonl(examples)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    skipped = ", ".join(f"{n} {why}" for why, n in export.skipped.items())
    sys.stderr.write(f"{len(examples)} examples" + (f" (skipped: {skipped})" if skipped else "")
                     + (f" written to {args.out}" if args.out else "") + "\n")
    return 0
