"""A process that claims one platform event and works on it until it is killed.

``python -m tests.fakes.claim_holder STORE_URL DATA_DIR EVENT_ID LEASE_S`` claims the event
through :class:`bot.exactly_once.EventClaims` (renewing its lease as a live handler does),
prints ``claimed`` (or ``duplicate``) and then never finishes: the test SIGKILLs it.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.exactly_once import EventClaims
from stores import open_store


async def hold(url: str, data_dir: str, event_id: str, lease_s: float) -> None:
    claims = EventClaims(open_store(url, Path(data_dir)), lease_s)
    async with claims.claim(event_id) as fresh:
        print("claimed" if fresh else "duplicate", flush=True)
        await asyncio.Event().wait()  # an answer that never ends


if __name__ == "__main__":
    asyncio.run(hold(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))
