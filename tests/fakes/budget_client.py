"""One bot process asking many questions at once, for the cross-process budget test.

``python -m tests.fakes.budget_client CONFIG GO_FILE TURNS`` builds a Bot from CONFIG,
prints ``ready``, waits for GO_FILE to appear (so that two processes start together), then
asks TURNS questions at once, each in its own conversation, as user ``U1``. It prints one
JSON line per turn: whether it was answered, and the refusal's message if it was not.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

from bot.app import Bot
from config import load_settings
from contracts.events import Error, TextDelta


async def one_turn(bot: Bot, n: int) -> dict[str, object]:
    session = bot.session(f"test:{os.getpid()}:{n}")
    answered, refused = False, None
    async for event in session.send(f"question {n}", user="U1", space="terminal"):
        answered = answered or isinstance(event, TextDelta)
        refused = event.message if isinstance(event, Error) else refused
    return {"answered": answered, "refused": refused}


async def main(config: str, go_file: str, turns: int) -> None:
    bot = Bot.from_settings(load_settings(config))
    bot.store.keys()  # connect (and migrate) before the start line, not after it
    print("ready", flush=True)
    while not Path(go_file).exists():
        time.sleep(0.01)
    results = await asyncio.gather(*(one_turn(bot, n) for n in range(turns)))
    for result in results:
        print(json.dumps(result), flush=True)
    await bot.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
