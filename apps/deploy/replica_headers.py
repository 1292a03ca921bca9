"""Which replica answered: two response headers on everything a presenter replica sends.

``X-Bot-Replica`` (Serve's replica id, as in the replica's log file name and ``serve
status``) and ``X-Bot-Replica-Pid`` let an operator find the process behind a bad answer,
and let the cluster tests see that turns of one conversation landed on different replicas.
A caller that did not authenticate (401, 403) learns nothing about the processes.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

UNAUTHENTICATED = (401, 403)


class ReplicaHeaders:
    """ASGI middleware adding the replica's id and process id to every HTTP response."""

    def __init__(self, app: ASGIApp, replica: str) -> None:
        self.app = app
        self.headers = [(b"x-bot-replica", replica.encode()),
                        (b"x-bot-replica-pid", str(os.getpid()).encode())]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def tagged(message: Message) -> None:
            start = message["type"] == "http.response.start"
            if start and message["status"] not in UNAUTHENTICATED:
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, tagged)

    def __getattr__(self, name: str) -> Any:  # Serve asks the app for e.g. docs_url
        return getattr(self.app, name)
