"""What ``bot eval pairwise`` and ``bot eval chat`` do, after argparse has read the flags."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from apps.eval.data import DataError, PairFields, load_pairs
from apps.eval.judging import Combo
from apps.eval.pairwise import PairwisePlan, RunExists, resolve_out_dir, run_pairwise
from apps.eval.report import render_table, write_report
from apps.eval.summary import summarize
from bot.prompts import PromptLibrary, PromptNotFound
from config import Settings
from config.access import AccessSettings


class PlanError(ValueError):
    """A flag or setting that names something that does not exist; says the fix."""


def eval_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """Settings with ``bot eval``'s flags applied to the ``eval`` section."""
    flags = {"concurrency": "concurrency", "rate": "requests_per_s",
             "context_field": "context_field", "correct_field": "correct_field",
             "incorrect_field": "incorrect_field", "id_field": "id_field",
             "criterion": "criterion", "extractor_backend": "extractor_profile",
             "max_tokens": "max_tokens"}
    update = {field: v for flag, field in flags.items()
              if (v := getattr(args, flag, None)) is not None}
    cfg = settings.eval.model_validate({**settings.eval.model_dump(), **update})
    return settings.model_copy(update={"eval": cfg, "access": viewing(args, settings)})


def viewing(args: argparse.Namespace, settings: Settings) -> AccessSettings:
    """``[access]`` as the run asks: on for the person ``--as`` names (their report shows
    only what they may read), off for the operator on the server (every document)."""
    enabled = bool(getattr(args, "as_principal", None))
    return settings.access.model_copy(update={"enabled": enabled})


def asker(args: argparse.Namespace) -> str:
    """Who the run's turns ask as: the ``--as`` person, else ``eval``."""
    return getattr(args, "as_principal", None) or "eval"


def check_profiles(settings: Settings, names: list[str]) -> None:
    for name in names:
        if name not in settings.profiles:
            known = ", ".join(sorted(settings.profiles))
            raise PlanError(f"unknown backend profile {name!r}. Fix: use one of {known}, "
                            f"or add [profiles.{name}] to bot.toml")


def check_environments(settings: Settings, envs: list[str]) -> None:
    known = PromptLibrary("default", settings.prompts_dir).environments()
    for env in envs:
        library = PromptLibrary(env, settings.prompts_dir)
        if env not in known and env != "default":
            raise PlanError(f"no prompt set {env!r}. Fix: use one of {', '.join(known)}, or "
                            f"create {env}/judge.txt in prompts_dir")
        try:
            library.path("judge")
        except PromptNotFound as exc:
            raise PlanError(f"{exc}. Fix: add judge.txt to that prompt set") from exc


def build_plan(args: argparse.Namespace, settings: Settings) -> PairwisePlan:
    """Items, combos and the run folder from the flags and the ``eval`` settings."""
    cfg = settings.eval
    envs = args.envs or cfg.environments or [settings.environment]
    backends = args.backends or cfg.backends or [settings.roles.profile_for("judge")]
    check_profiles(settings, backends + ([cfg.extractor_profile] if cfg.extractor_profile else []))
    check_environments(settings, envs)
    fields = PairFields(cfg.context_field, cfg.correct_field, cfg.incorrect_field, cfg.id_field)
    return PairwisePlan(
        data=args.data, items=load_pairs(args.data, fields, args.limit),
        combos=[Combo(e, b) for e in dict.fromkeys(envs) for b in dict.fromkeys(backends)],
        out=resolve_out_dir(cfg.out_dir, "pairwise", args.out, args.resume),
        concurrency=cfg.concurrency, requests_per_s=cfg.requests_per_s, resume=args.resume,
        retry_errors=args.retry_errors, use_ray=args.ray, progress=not args.no_progress,
    )


def _fail(message: str, code: int = 2) -> int:
    sys.stderr.write(f"bot eval: {message}\n")
    return code


def pairwise_command(args: argparse.Namespace, settings: Settings) -> int:
    settings = eval_settings(args, settings)
    try:
        plan = build_plan(args, settings)
    except (DataError, PlanError) as exc:
        return _fail(str(exc))
    try:
        records = asyncio.run(run_pairwise(settings, plan))
    except RunExists as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail(f"interrupted. Every finished item is saved in {plan.out}; continue with: "
                     f"bot eval pairwise {args.data} --resume --out {plan.out}", 130)
    summaries = [summarize(records, c.env, c.backend) for c in plan.combos]
    meta = {"data": str(plan.data), "items": len(plan.items)}
    paths = write_report(plan.out, summaries, meta)
    sys.stdout.write(render_table(summaries) + "\n\n")
    sys.stdout.write("written: " + ", ".join(str(p) for p in paths) + "\n")
    return 0


def chat_command(args: argparse.Namespace, settings: Settings) -> int:
    from apps.eval.chat import ChatPlan, load_cases, render_chat_report, run_chat_eval

    settings = eval_settings(args, settings)
    try:
        cases = load_cases(args.data, args.limit)
    except DataError as exc:
        return _fail(str(exc))
    out = resolve_out_dir(settings.eval.out_dir, "chat", args.out, args.resume)
    plan: Any = ChatPlan(cases=cases, out=out, concurrency=settings.eval.concurrency,
                         resume=args.resume, progress=not args.no_progress)
    try:
        results = asyncio.run(run_chat_eval(settings, plan))
    except RunExists as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail(f"interrupted; finished cases are saved in {out} (--resume --out {out})", 130)
    sys.stdout.write(render_chat_report(results, out) + "\n")
    return 0 if all(r.passed for r in results) else 1
