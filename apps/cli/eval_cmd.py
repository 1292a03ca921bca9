"""``bot eval pairwise|chat|answers|retrieval DATA`` (the harness is imported on use)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure judges (pairwise bias) and the bot (chat suite)")
    kinds = p.add_subparsers(dest="eval_command", metavar="KIND", required=True)
    _register_pairwise(kinds)
    _register_chat(kinds)
    _register_answers(kinds)
    _register_feedback(kinds)
    _register_retrieval(kinds)


def _register_pairwise(kinds: Any) -> None:
    p = kinds.add_parser(
        "pairwise", help="judge correct/incorrect pairs in both orders; report accuracy and bias",
        description="Judge every item in both orders for each (environment, backend) and "
        "report accuracy, position bias (AA/BB), unreadable verdicts, tokens, cost and speed.",
    )
    p.add_argument("data", type=Path, help="JSON or JSONL file of items")
    p.add_argument("--env", action="append", dest="envs", metavar="E",
                   help="prompt set to compare (repeatable; default: eval.environments)")
    p.add_argument("--backend", action="append", dest="backends", metavar="P",
                   help="backend profile to compare (repeatable; default: the judge role's)")
    p.add_argument("--extractor-backend", metavar="P", help="profile for the extractor fallback")
    p.add_argument("--criterion", help="the question the judge answers about the candidates")
    p.add_argument("--max-tokens", type=int, metavar="N", help="cap on each judge reply")
    p.add_argument("--context-field", metavar="NAME", help="default: article_sent")
    p.add_argument("--correct-field", metavar="NAME", help="default: correct_sent")
    p.add_argument("--incorrect-field", metavar="NAME", help="default: incorrect_sent")
    p.add_argument("--id-field", metavar="NAME", help="default: id (else a hash of the texts)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N items")
    p.add_argument("--retry-errors", action="store_true", help="with --resume: redo failed items")
    p.add_argument("--ray", action="store_true", help="run items as Ray tasks (bot[ray])")
    p.add_argument("--rate", type=float, metavar="R", help="at most R LLM requests/s per backend")
    _common(p)
    p.set_defaults(handler="apps.cli.eval_cmd:pairwise")


def _register_chat(kinds: Any) -> None:
    p = kinds.add_parser(
        "chat", help="run questions through the bot and check the answers (regression suite)",
        description="Ask each question through exactly the graph the presenters use and check "
        "the answer: must_contain, must_not_contain, or an expectation judged by the judge role.",
    )
    p.add_argument("data", type=Path, help="JSON or JSONL file of cases")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N cases")
    _common(p)
    p.set_defaults(handler="apps.cli.eval_cmd:chat")


def _register_answers(kinds: Any) -> None:
    p = kinds.add_parser(
        "answers", help="ask questions with known answers; score sources, facts, coverage",
        description="Ask each question through the bot as configured and report, per question "
        "and in total: gold source cited, facts stated (exact, else the judge role), "
        "'not in the documents' said when right, unsupported sentences, latency and cost. "
        "--against PROFILE runs a second configuration and judges the pairs in both orders.")
    p.add_argument("data", type=Path, help="JSON or JSONL: question, sources, facts, covered")
    p.add_argument("--against", metavar="PROFILE", help="compare with PROFILE as primary")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N questions")
    p.add_argument("--concurrency", type=int, metavar="N", help="questions in flight")
    p.add_argument("--out", type=Path, metavar="DIR", help="run folder (default eval-runs/...)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    _as(p)
    p.set_defaults(handler="apps.cli.eval_cmd:answers")


def _register_feedback(kinds: Any) -> None:
    from apps.cli.stats import parse_since

    p = kinds.add_parser(
        "feedback", help="ask every 👎 answer again and judge new vs old (both orders)",
        description="Every answer rated 👎 (with its comment) is a regression case: the "
        "question is asked again with the current configuration and the pairwise judge "
        "compares the new answer with the old one in both orders.")
    p.add_argument("--since", type=parse_since, default=None, metavar="AGE",
                   help="only ratings this recent: 24h, 7d, 2w (default: all)")
    p.add_argument("--backend", metavar="P", help="judge profile (default: the judge role's)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N cases")
    _common(p)
    _as(p)
    p.set_defaults(handler="apps.cli.eval_cmd:feedback")


def _register_retrieval(kinds: Any) -> None:
    p = kinds.add_parser(
        "retrieval", help="score dense, lexical, hybrid and reranked search on known questions",
        description="Search the knowledge base for each question with every retrieval "
        "configuration and report hit@k, MRR@k and nDCG@k side by side, with the misses.",
    )
    p.add_argument("data", type=Path, help="JSON questions file (question + expected source)")
    p.add_argument("--collection", metavar="NAME", help="default: the file's, else kb.collection")
    p.add_argument("-k", "--top-k", type=int, default=4, dest="k", metavar="K",
                   help="passages per question (default 4)")
    p.add_argument("--rerank-model", metavar="PATH",
                   help="cross-encoder for hybrid+rerank (default kb.rerank_model)")
    p.add_argument("--out", type=Path, metavar="DIR", help="report folder (default eval-runs/...)")
    _as(p)
    p.set_defaults(handler="apps.cli.eval_cmd:retrieval")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--concurrency", type=int, metavar="N", help="items in flight (default 8)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out (or newest)")
    p.add_argument("--out", type=Path, metavar="DIR", help="run folder (default eval-runs/...)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def _as(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="as_principal", metavar="PRINCIPAL",
                   help="ask and report as this person: only what they may read (default: "
                   "the operator, every document, [access] set aside)")


def pairwise(args: argparse.Namespace, settings: Any) -> int:
    from apps.eval.commands import pairwise_command

    return pairwise_command(args, settings)


def chat(args: argparse.Namespace, settings: Any) -> int:
    from apps.eval.commands import chat_command

    return chat_command(args, settings)


def answers(args: argparse.Namespace, settings: Any) -> int:
    from apps.eval.answers_command import answers_command

    return answers_command(args, settings)


def feedback(args: argparse.Namespace, settings: Any) -> int:
    from apps.eval.feedback_command import feedback_command

    return feedback_command(args, settings)


def retrieval(args: argparse.Namespace, settings: Any) -> int:
    from apps.eval.retrieval_command import retrieval_command

    return retrieval_command(args, settings)
