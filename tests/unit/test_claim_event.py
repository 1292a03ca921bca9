"""Bot.claims: each platform event id runs once; a failed run can be retried."""

from __future__ import annotations

from typing import Any

import pytest


async def test_first_delivery_runs_and_later_ones_are_skipped(make_bot: Any) -> None:
    bot = make_bot()
    async with bot.claims.claim("Ev1") as fresh:
        assert fresh
        async with bot.claims.claim("Ev1") as again:  # a retry while the first is in flight
            assert not again
    async with bot.claims.claim("Ev1") as after:  # a retry after it is done
        assert not after


async def test_a_failed_run_releases_the_event_for_a_retry(make_bot: Any) -> None:
    bot = make_bot()
    with pytest.raises(RuntimeError):
        async with bot.claims.claim("Ev2") as fresh:
            assert fresh
            raise RuntimeError("crashed before answering")
    async with bot.claims.claim("Ev2") as retry:
        assert retry
