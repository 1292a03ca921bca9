"""The parts of the fake Slack for per-channel behaviour, private answers and thread reading:
ephemeral messages and their ``response_url``, ``conversations.replies`` (with the
non-Marketplace limit of one call a minute, 15 messages), ``conversations.info`` and
``views.publish``. Mixed into :class:`tests.fakes.slack_server.FakeSlack`.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Ephemeral:
    """A message only ``user`` sees; ``gone`` once deleted through its response_url."""

    channel: str
    user: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    response_url: str = ""
    gone: bool = False


@dataclass
class Said:
    """A person's message already in a thread before the bot was called in."""

    user: str
    text: str
    ts: str


class SlackMore:
    """State and Web API methods; the host class provides ``port`` and routes ``/respond``."""

    port: int

    def _init_more(self) -> None:
        self.ephemerals: list[Ephemeral] = []
        self.responses: list[dict[str, Any]] = []
        self.threads: dict[tuple[str, str], list[Said]] = {}
        self.channel_names: dict[str, str] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.replies_per_minute: int | None = None  # None: no limit
        self._replies_at: list[float] = []

    # ---- setting up ----------------------------------------------------------------------
    def seed_thread(self, channel: str, thread_ts: str, said: list[tuple[str, str]]) -> list[str]:
        """People wrote ``said`` ((user, text), the first is the parent) in a thread."""
        base = float(thread_ts)
        msgs = [Said(user, text, f"{base + i * 0.001:.6f}") for i, (user, text) in
                enumerate(said)]
        msgs[0].ts = thread_ts
        self.threads[(channel, thread_ts)] = msgs
        return [m.ts for m in msgs]

    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/respond/{uuid.uuid4().hex}"

    def visible_ephemerals(self, user: str | None = None) -> list[Ephemeral]:
        return [e for e in self.ephemerals if not e.gone and (user is None or e.user == user)]

    # ---- the Web API methods ----------------------------------------------------------------
    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ephemerals.append(Ephemeral(
            channel=str(args["channel"]), user=str(args["user"]), thread_ts=args.get("thread_ts"),
            text=str(args.get("text", "")), blocks=args.get("blocks") or [],
            response_url=self.response_url()))
        return {"ok": True, "message_ts": f"{time.time():.6f}"}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel not in self.channel_names:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {"id": channel, "name": self.channel_names[channel]}}

    def replies_limited(self) -> bool:
        """One more conversations.replies call would break the per-minute limit."""
        now = time.monotonic()
        self._replies_at = [t for t in self._replies_at if now - t < 60]
        if self.replies_per_minute is not None and len(self._replies_at) >= \
                self.replies_per_minute:
            return True
        self._replies_at.append(now)
        return False

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        said = self.threads.get((str(args.get("channel")), str(args.get("ts"))))
        if said is None:
            return {"ok": False, "error": "thread_not_found"}
        latest = float(args.get("latest") or "inf")
        before = [m for m in said if float(m.ts) < latest]
        limit = min(int(args.get("limit") or 15), 15)  # non-Marketplace apps: 15 at most
        page = before[:limit]
        return {"ok": True, "has_more": len(before) > limit,
                "messages": [{"type": "message", "user": m.user, "text": m.text, "ts": m.ts,
                              "thread_ts": str(args.get("ts"))} for m in page],
                "response_metadata": {"next_cursor": "more" if len(before) > limit else ""}}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if isinstance(view, str):
            import json

            view = json.loads(view)
        self.views[str(args.get("user_id"))] = view or {}
        return {"ok": True, "view": view}

    # ---- response_url ------------------------------------------------------------------------
    async def _respond(self, request: web.Request) -> web.Response:
        """What an interactive message's response_url does: delete or replace it."""
        payload = await request.json()
        self.responses.append(payload)
        url = str(request.url).split("?", 1)[0]
        target = next((e for e in self.ephemerals if e.response_url == url), None)
        if target is not None and payload.get("delete_original"):
            target.gone = True
        elif target is not None and payload.get("replace_original"):
            target.text, target.blocks = payload.get("text", ""), payload.get("blocks") or []
        return web.Response(text="ok")
