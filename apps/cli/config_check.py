"""``bot config check``: is each profile in use reachable, its model known, its key accepted?"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from apps.cli.config_show import profiles_in_use


async def verdict(name: str, settings: Any) -> tuple[bool, str]:
    """(ok, one line for the terminal) for one profile; never raises."""
    from bot.models import build_backend
    from contracts.llm_errors import LLMError

    kind = settings.profiles[name].kind
    try:
        llm = build_backend(name, settings.profiles[name])
    except (LLMError, ValueError, ImportError) as exc:
        return False, f"[fail] {name}: {exc}"
    try:
        probe = getattr(llm, "probe", None)
        if probe is None:
            return True, f"[ok] {name} ({kind}): a test double, nothing to probe"
        result = await probe()
        return result.verdict != "fail", str(result.line())
    except Exception as exc:  # a probe that fails is a verdict, not a crash
        return False, f"[fail] {name}: {type(exc).__name__}: {exc}"
    finally:
        await llm.aclose()


def check(args: argparse.Namespace, settings: Any) -> int:
    async def run() -> int:
        failures = 0
        for name in profiles_in_use(settings):
            if args.embedded and settings.profiles[name].kind != "llamacpp":
                continue
            ok, line = await verdict(name, settings)
            failures += not ok
            print(line)
        failures += check_sources(settings)
        return 1 if failures else 0

    return asyncio.run(run())


def check_sources(settings: Any) -> int:
    """Each enabled source's kind options, validated by its connector (no I/O); failures."""
    from sources.kinds import check_sources as problems_of

    problems = problems_of(settings.sources)
    for line in problems:
        print(f"[fail] {line}")
    for name in settings.sources:
        if not any(line.startswith(f"sources.{name}") for line in problems):
            print(f"[ok] sources.{name} ({settings.sources[name].kind})")
    return len(problems)
