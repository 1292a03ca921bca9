"""``bot serve [PRESENTER]``: run the configured (or named) presenter."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the configured presenter (terminal, gradio, slack, "
                       "api, mcp)")
    p.add_argument("presenter", nargs="?", choices=["terminal", "gradio", "slack", "api", "mcp"],
                   type=lambda name: "terminal" if name == "stdio" else name)  # its old name
    p.add_argument("--host", help="listen address (gradio, slack http mode, api, mcp http)")
    p.add_argument("--port", type=int, help="listen port (gradio, slack http mode, api, mcp http)")
    p.add_argument("--transport", choices=["stdio", "http"], help="mcp: stdio or HTTP")
    p.set_defaults(handler="apps.cli.serve:serve")


def serve(args: argparse.Namespace, settings: Any) -> int:
    from bot.app import Bot
    from bot.registry import PRESENTERS, load

    name = args.presenter or settings.presenter
    updates: dict[str, Any] = {k: v for k in ("host", "port") if (v := getattr(args, k))}
    if name == "mcp" and getattr(args, "transport", None):
        updates["transport"] = args.transport
    if updates and name in ("gradio", "slack", "api"):
        section = getattr(settings, name).model_copy(update=updates)
        settings = settings.model_copy(update={name: section, "presenter": name})
    if updates and name == "mcp":
        mcp = settings.mcp.model_copy(update={"serve": settings.mcp.serve.model_copy(
            update=updates)})
        settings = settings.model_copy(update={"mcp": mcp, "presenter": name})
    bot = Bot.from_settings(settings)
    if settings.mcp.servers:
        bot.start()  # discover the MCP servers' tools now, not on the first user's message
    return int(load(PRESENTERS[name])(bot))
