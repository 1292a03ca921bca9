"""A fake Slack for tests and benchmarks: the Web API over HTTP and a Socket Mode WebSocket.

Runs on 127.0.0.1, port 0, in the caller's event loop. It records every Web API call, keeps
the messages the bot posted (including natively streamed ones), can answer chosen calls
with 429 + Retry-After or an ``ok: false`` error, and over Socket Mode pushes envelopes,
records their acks and can drop the connection. Modelled on the shape of bolt-python's
tests/mock_web_api_server; written from scratch.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web
from slack_sdk.signature import SignatureVerifier

from tests.fakes.slack_history import SlackHistory
from tests.fakes.slack_more import SlackMore
from tests.fakes.slack_views import SlackViews

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
SIGNING_SECRET = "fake-signing-secret-0123456789"
TEAM, BOT_USER, BOT_ID, APP_ID = "T0FAKE", "U0BOT", "B0BOT", "A0APP"
JSON_FIELDS = ("blocks", "chunks", "prompts", "attachments", "metadata", "view")


@dataclass
class ApiCall:
    method: str
    args: dict[str, Any]
    status: int
    error: str | None
    at: float


@dataclass
class Message:
    """A message the bot put in Slack, as users would finally see it."""

    channel: str
    ts: str
    thread_ts: str | None
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    streamed: bool = False
    streaming: bool = False
    edits: int = 0
    tasks: list[dict[str, Any]] = field(default_factory=list)  # task_update chunks streamed


class FakeSlack(SlackMore, SlackHistory, SlackViews):
    """Start with ``await FakeSlack().start()``; point the bot at :attr:`api_url`."""

    def __init__(self) -> None:
        self._init_more()
        self._init_views()
        self.calls: list[ApiCall] = []
        self.messages: list[Message] = []
        self.connections = 0
        self.acks: dict[str, float] = {}
        self.pushed: dict[str, float] = {}
        self._limits: dict[str, list[int]] = {}
        self._failures: dict[str, list[str]] = {}
        self._hangs: dict[str, list[float]] = {}
        self._answers: dict[str, list[tuple[int, str]]] = {}
        self._init_history()
        self._ts = itertools.count(1)
        self._ws: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------
    # Both mixins answer these: threads seeded for the presenter's thread reading
    # (SlackMore) or channels and messages seeded for the Slack source (SlackHistory).
    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args.get("channel", "")) in self.channel_names:
            return SlackMore._m_conversations_info(self, args)
        return SlackHistory._m_conversations_info(self, args)

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        if (str(args.get("channel")), str(args.get("ts"))) in self.threads:
            return SlackMore._m_conversations_replies(self, args)
        return SlackHistory._m_conversations_replies(self, args)

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk reads with GET
        app.router.add_get("/link", self._socket)
        app.router.add_post("/respond/{id}", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # ---- configuring failures ----------------------------------------------------------
    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and Retry-After."""
        self._limits.setdefault(method, []).extend([retry_after] * times)

    def fail(self, method: str, error: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``."""
        self._failures.setdefault(method, []).extend([error] * times)

    def answer(self, method: str, status: int, body: str, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` and a raw ``body``
        (a 503 page, a malformed 200)."""
        self._answers.setdefault(method, []).extend([(status, body)] * times)

    def hang(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` only after ``seconds``."""
        self._hangs.setdefault(method, []).extend([seconds] * times)

    # ---- inspecting ------------------------------------------------------------------
    def calls_to(self, method: str, ok_only: bool = False) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method
                and (not ok_only or (c.status == 200 and c.error is None))]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        return [m for m in self.messages if m.channel == channel and m.thread_ts == thread_ts]

    async def wait_for(self, predicate: Any, timeout: float = 15.0) -> None:
        """Poll until ``predicate()`` is true; fail the test after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("fake Slack: condition not met in time")
            await asyncio.sleep(0.02)

    # ---- the Web API -------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _read_args(request)
        if self._hangs.get(method):
            await asyncio.sleep(self._hangs[method].pop(0))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or args.get(
            "token", "")
        if method == "conversations.replies" and self.replies_limited():
            self._limits.setdefault(method, []).insert(0, 60)
        window = self._window(method)
        if window is not None or self._limits.get(method):
            retry_after = window if window is not None else self._limits[method].pop(0)
            self._record(method, args, 429, "ratelimited")
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(retry_after)})
        if self._answers.get(method):
            status, raw = self._answers[method].pop(0)
            self._record(method, args, status, "answered")
            return web.Response(status=status, text=raw, content_type="application/json")
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        error = "invalid_auth" if token != expected else None
        if error is None and self._failures.get(method):
            error = self._failures[method].pop(0)
        body = {"ok": False, "error": error} if error else self._dispatch(method, args)
        self._record(method, args, 200, None if body.get("ok") else str(body.get("error")))
        return web.json_response(body)

    def _record(self, method: str, args: dict[str, Any], status: int, error: str | None) -> None:
        self.calls.append(ApiCall(method, args, status, error, time.monotonic()))

    def _dispatch(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        return handler(args) if handler else {"ok": False, "error": "unknown_method"}

    def _m_auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "bot",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID}

    def _m_apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link?ticket={uuid.uuid4()}"}

    def _new(self, args: dict[str, Any], text: str, streamed: bool) -> dict[str, Any]:
        n = next(self._ts)
        msg = Message(channel=args["channel"], ts=f"{1700000000 + n}.{n:06d}",
                      thread_ts=args.get("thread_ts"), text=text,
                      blocks=args.get("blocks") or [], streamed=streamed, streaming=streamed,
                      tasks=_task_chunks(args))
        self.messages.append(msg)
        return {"ok": True, "channel": msg.channel, "ts": msg.ts}

    def _find(self, args: dict[str, Any]) -> Message | None:
        return next((m for m in self.messages
                     if m.channel == args.get("channel") and m.ts == args.get("ts")), None)

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._new(args, str(args.get("text", "")), streamed=False)

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self._find(args)
        if msg is None:
            return {"ok": False, "error": "message_not_found"}
        msg.text, msg.edits = str(args.get("text", "")), msg.edits + 1
        if "blocks" in args:
            msg.blocks = args["blocks"] or []
        return {"ok": True, "channel": msg.channel, "ts": msg.ts}

    def _m_chat_startStream(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("thread_ts"):
            return {"ok": False, "error": "invalid_arguments"}
        return self._new(args, _stream_text(args), streamed=True)

    def _m_chat_appendStream(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self._find(args)
        if msg is None or not msg.streaming:
            return {"ok": False, "error": "message_not_in_streaming_state"}
        msg.text += _stream_text(args)
        msg.tasks += _task_chunks(args)
        return {"ok": True, "channel": msg.channel, "ts": msg.ts}

    def _m_chat_stopStream(self, args: dict[str, Any]) -> dict[str, Any]:
        result = self._m_chat_appendStream(args)
        msg = self._find(args)
        if result["ok"] and msg is not None:
            msg.streaming, msg.blocks = False, args.get("blocks") or []
        return result

    def _m_assistant_threads_setStatus(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _m_assistant_threads_setSuggestedPrompts(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    # ---- Socket Mode -------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws, self.connections = ws, self.connections + 1
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": APP_ID},
                            "debug_info": {"host": "fake", "approximate_connection_time": 3600}})
        self._connected.set()
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                acked = json.loads(frame.data)
                if envelope_id := acked.get("envelope_id"):
                    self.acks.setdefault(envelope_id, time.monotonic())
                    self.ack_payloads.setdefault(envelope_id, acked.get("payload"))
        if self._ws is ws:
            self._ws = None
            self._connected.clear()
        return ws

    async def wait_connected(self, count: int = 1, timeout: float = 15.0) -> None:
        await self.wait_for(lambda: self.connections >= count and self._ws is not None, timeout)

    async def drop_connection(self) -> None:
        """Close the current WebSocket as Slack does when it rotates connections."""
        ws, self._ws = self._ws, None
        self._connected.clear()
        if ws is not None:
            await ws.close()

    async def push(self, payload: dict[str, Any], kind: str = "events_api",
                   retry_attempt: int = 0) -> str:
        """Send one envelope over the current connection; returns its envelope id."""
        await asyncio.wait_for(self._connected.wait(), 15)
        assert self._ws is not None
        envelope_id = str(uuid.uuid4())
        self.pushed[envelope_id] = time.monotonic()
        await self._ws.send_json({
            "envelope_id": envelope_id, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api", "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        })
        return envelope_id

    async def wait_acked(self, envelope_id: str, timeout: float = 15.0) -> None:
        await self.wait_for(lambda: envelope_id in self.acks, timeout)


async def _read_args(request: web.Request) -> dict[str, Any]:
    raw = await request.text()
    if request.content_type == "application/json":
        args: dict[str, Any] = json.loads(raw or "{}")
    else:
        args = dict(parse_qsl(raw)) | dict(request.query)
    for key in JSON_FIELDS:
        if isinstance(args.get(key), str):
            args[key] = json.loads(args[key])
    return args


def _stream_text(args: dict[str, Any]) -> str:
    text = str(args.get("markdown_text") or "")
    for chunk in args.get("chunks") or []:
        if chunk.get("type") == "markdown_text":
            text += chunk.get("text", "")
    return text


def _task_chunks(args: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in args.get("chunks") or [] if c.get("type") == "task_update"]


def event_body(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    """An Events API ``event_callback`` wrapping ``event``, as Slack sends it."""
    return {
        "token": "legacy", "team_id": TEAM, "api_app_id": APP_ID, "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def signed_headers(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None,
                   retry_num: int | None = None) -> dict[str, str]:
    """Headers of a request Slack signed with ``secret`` at ``timestamp`` (default: now)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = str(SignatureVerifier(secret).generate_signature(timestamp=ts, body=body))
    headers: dict[str, str] = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature,
               "Content-Type": "application/json"}
    if retry_num is not None:
        headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    return headers
