"""With auth on, nothing but the login page answers a caller who has not signed in.

Gradio checks its login cookie on most routes, but some (``/gradio_api/cancel``, ``/reset``,
``/heartbeat``, ``/stream/...``, ``/startup-events``, ``/user``, ``/token``, ...) answer
anyone. This ASGI middleware sits in front of all of them and lets through only the login
form, its static bundle, and callers holding a token Gradio issued at ``/login``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

# The login page is the index page rendered without the app, plus its own static files.
PAGE_PATHS = frozenset({"", "/", "/login", "/login/", "/favicon.ico", "/theme.css",
                        "/gradio_api/theme.css", "/manifest.json", "/robots.txt"})
BUNDLE_PREFIXES = ("/assets/", "/static/", "/svelte/", "/gradio_api/assets/")
STARTUP = "/gradio_api/startup-events"  # Gradio's own launch() calls it, once, to start the queue


def is_public(path: str, app: Any) -> bool:
    if path == STARTUP:
        return not getattr(app, "startup_events_triggered", True)
    return path in PAGE_PATHS or path.startswith(BUNDLE_PREFIXES)


def signed_in(scope: Scope, app: Any) -> bool:
    """The caller carries a login token that the Gradio app issued."""
    cookies = HTTPConnection(scope).cookies
    cookie_id = getattr(app, "cookie_id", "")
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
        f"access-token-unsecure-{cookie_id}")
    return token is not None and token in getattr(app, "tokens", {})


class AuthGate:
    """Refuses (401) every unauthenticated request when the Gradio app has auth set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gradio_app = scope.get("app")
        if (scope["type"] not in ("http", "websocket")
                or getattr(gradio_app, "auth", None) is None
                or is_public(scope.get("path", ""), gradio_app) or signed_in(scope, gradio_app)):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await WebSocketClose(code=4401)(scope, receive, send)
            return
        body = {"error": "Not authenticated", "detail": "Sign in at / first."}
        await JSONResponse(body, status_code=401)(scope, receive, send)
