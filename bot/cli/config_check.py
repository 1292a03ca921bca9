"""``bot config check``: is each profile in use reachable, its model known, its key accepted?"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.config_show import profiles_in_use


async def verdict(name: str, settings: Any) -> tuple[bool, str]:
    """(ok, one-line verdict) for one profile; never raises."""
    from bot.llm.errors import LLMError
    from bot.models import build_backend

    try:
        llm = build_backend(name, settings.profiles[name])
    except (LLMError, ValueError, ImportError) as exc:
        return False, str(exc)
    try:
        probe = getattr(llm, "probe", None)
        if probe is None:
            return True, f"{settings.profiles[name].kind} backend ready (nothing to probe)"
        result = await probe()
        return bool(result.ok), str(result.detail)
    except Exception as exc:  # a probe that fails is a verdict, not a crash
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        await llm.aclose()


def check(args: argparse.Namespace, settings: Any) -> int:
    async def run() -> int:
        failures = 0
        for name in profiles_in_use(settings):
            ok, detail = await verdict(name, settings)
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'}  {name:<16} {detail}")
        return 1 if failures else 0

    return asyncio.run(run())
