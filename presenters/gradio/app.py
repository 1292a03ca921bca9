"""``bot serve gradio``: build the page, size its queue, launch it, block until stopped."""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr
import structlog
from starlette.middleware import Middleware

from bot.app import Bot
from config.sections import GradioSettings
from presenters.gradio.auth_gate import AuthGate
from presenters.gradio.bookkeeping import lazy_session_configs
from presenters.gradio.ui import CSS, build_app

log = structlog.get_logger("presenters.gradio")

__all__ = ["build_app", "launch", "serve"]


def auth_pairs(s: GradioSettings) -> list[tuple[str, str]] | None:
    """Gradio's ``auth`` argument, from the username and secret password in config."""
    if s.auth_username is None or s.auth_password is None:
        return None
    return [(s.auth_username, s.auth_password.get_secret_value())]


def free_port(host: str) -> int:
    """A port the OS says is free now, for ``port = 0`` (Gradio itself needs a number)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def launch(
    bot: Bot, *, host: str | None = None, port: int | None = None, quiet: bool = True
) -> gr.Blocks:
    """Start the page in a background thread and return the running Blocks.

    ``demo.local_url`` is where it listens; ``demo.close()`` stops it. Many answers stream
    at once (``gradio.concurrency``, not Gradio's default of one); past ``queue_size``
    waiting requests the page tells the user the application is busy.
    """
    s = bot.settings.gradio
    host = host or s.host
    port = port if port is not None else s.port
    demo = build_app(bot)
    demo.queue(default_concurrency_limit=s.concurrency, max_size=s.queue_size)
    auth = auth_pairs(s)
    demo.launch(
        server_name=host, server_port=port or free_port(host),
        share=s.share, auth=auth, auth_message=f"Sign in to {s.title}" if auth else None,
        prevent_thread_lock=True, quiet=quiet, ssr_mode=False, show_error=False,
        max_threads=max(40, s.concurrency), css=CSS, run_history=False,
        footer_links=["api", "gradio", "settings"],
        app_kwargs={"middleware": [Middleware(AuthGate)]}, **skip_localhost_probe(),
    )
    lazy_session_configs(demo)  # before any browser's first event
    log.info("gradio_started", url=demo.local_url, concurrency=s.concurrency,
             queue_size=s.queue_size, auth=auth is not None)
    return demo


def skip_localhost_probe() -> dict[str, Any]:
    """Gradio probes its own URL after starting (to detect Colab) and refuses to run when the
    first HEAD request takes over 3 s — which a loaded 2-core machine does. We serve on an
    address we chose, so the probe tells us nothing; skip it where this Gradio allows."""
    parameters = inspect.signature(gr.Blocks.launch).parameters
    return {"_frontend": False} if "_frontend" in parameters else {}


def serve(bot: Bot) -> int:
    """Run the page until Ctrl-C; the presenter entry point behind ``bot serve gradio``.

    On the way out the Bot is closed too: model clients and the store (whose last SQLite
    connection then checkpoints its write-ahead log).
    """
    demo = launch(bot, quiet=False)
    try:
        demo.block_thread()  # returns on Ctrl-C, after closing the server
    finally:
        demo.close()
        asyncio.run(bot.aclose())
    return 0
