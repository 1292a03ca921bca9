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
    p.add_argument("--ray", action="store_true",
                   help="api, slack: replicas on Ray Serve (see `bot deploy`, docs/deploy.md)")
    p.add_argument("--address", help="with --ray: the Ray cluster (default: a Ray of its own)")
    p.set_defaults(handler="apps.cli.serve:serve")


def serve(args: argparse.Namespace, settings: Any) -> int:
    from bot.app import Bot
    from bot.registry import PRESENTERS, load

    name = args.presenter or settings.presenter
    if getattr(args, "ray", False):
        return serve_on_ray(args, name, settings)
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
    scheduler = start_source_schedule(settings)
    try:
        return int(load(PRESENTERS[name])(bot))
    finally:
        if scheduler is not None:
            scheduler.stop()


def start_source_schedule(settings: Any) -> Any:
    """Scheduled sources sync in the background of every long-running presenter (the store's
    lease lets one replica run each); None when no source has a schedule."""
    if not any(s.enabled and s.schedule for s in settings.sources.values()):
        return None
    from apps.cli.sources import open_bot_store
    from sources.scheduler import start_background

    return start_background(settings, open_bot_store(settings))


RAY_PRESENTERS = ("api", "slack")


def serve_on_ray(args: argparse.Namespace, name: str, settings: Any) -> int:
    """``--ray``: the presenter's replicas on Ray Serve, in the foreground."""
    import sys

    if name not in RAY_PRESENTERS:
        print(f"bot serve: --ray serves {' or '.join(RAY_PRESENTERS)}, not {name}. Fix: "
              "run it without --ray", file=sys.stderr)
        return 2
    from apps.cli.deploy import serve_on_ray as run_on_ray
    from config.sections import DeploySettings

    updates = {k: v for k in ("host", "port", "address") if (v := getattr(args, k, None))}
    section = DeploySettings.model_validate({**settings.deploy.model_dump(), **updates})
    return run_on_ray(name, settings.model_copy(update={"deploy": section}))
