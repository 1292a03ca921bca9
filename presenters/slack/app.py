"""``bot serve slack``: run the Slack presenter until SIGINT/SIGTERM (see docs/slack.md).

slack_bolt is imported only once the settings are known to be complete and the Slack extra
is installed, so a missing piece gives one message with the fix, not a traceback.
"""

from __future__ import annotations

import asyncio
import importlib.util
import signal
import sys

import structlog

from bot.app import Bot
from presenters.slack.config_check import SlackConfigError, check_settings

log = structlog.get_logger("presenters.slack")
MISSING_EXTRA = ("Slack support is not installed. Fix: pip install -e '.[slack]' "
                 "(slack_bolt, slack_sdk, aiohttp)")


async def run(bot: Bot) -> None:
    """Serve until SIGINT or SIGTERM, then shut down gracefully."""
    from presenters.slack.presenter import SlackPresenter

    presenter = SlackPresenter(bot)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await presenter.start()
        await stop.wait()
    finally:
        log.info("slack_stopping")
        await presenter.stop()
        await bot.aclose()


def serve(bot: Bot) -> int:
    """The ``bot serve slack`` entry point; exit status 2 when Slack cannot be started."""
    if importlib.util.find_spec("slack_bolt") is None:
        sys.stderr.write(f"{MISSING_EXTRA}\n")
        return 2
    try:
        check_settings(bot.settings.slack)
        asyncio.run(run(bot))
    except SlackConfigError as exc:
        sys.stderr.write(f"Invalid configuration: {exc}\n")
        return 2
    return 0
