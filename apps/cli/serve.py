"""``bot serve [PRESENTER]``: run the configured (or named) presenter."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from config.presenters import BY_NAME, NAMES, PRESENTERS, canonical, with_replicas


def register(sub: Any) -> None:
    aliases = [a for p in PRESENTERS for a in p.aliases]
    p = sub.add_parser("serve", help=f"run the configured presenter ({', '.join(NAMES)})")
    p.add_argument("presenter", nargs="?", choices=[*NAMES, *aliases], help="default: settings")
    p.add_argument("--host", help="listen address (gradio, slack http mode, api, mcp http)")
    p.add_argument("--port", type=int, help="listen port (gradio, slack http mode, api, mcp http)")
    p.add_argument("--transport", choices=["stdio", "http"], help="mcp: stdio or HTTP")
    p.add_argument("--ray", action="store_true",
                   help="api, slack: replicas on Ray Serve (see `bot deploy`, docs/deploy.md)")
    p.add_argument("--address", help="with --ray: the Ray cluster (default: a Ray of its own)")
    p.set_defaults(handler="apps.cli.serve:serve")


def serve(args: argparse.Namespace, settings: Any) -> int:
    from bot.app import Bot

    name = canonical(args.presenter) if args.presenter else settings.presenter
    if getattr(args, "ray", False):
        return serve_on_ray(args, name, settings)
    updates: dict[str, Any] = {k: v for k in ("host", "port") if (v := getattr(args, k))}
    if name == "mcp" and getattr(args, "transport", None):
        updates["transport"] = args.transport
    section = BY_NAME[name].section
    if updates and section is not None:
        settings = with_section_updates(settings, section, updates)
        settings = settings.model_copy(update={"presenter": name})
    bot = Bot.from_settings(settings)
    if settings.mcp.servers:
        bot.start()  # discover the MCP servers' tools now, not on the first user's message
    scheduler = start_source_schedule(settings)
    try:
        return int(importlib.import_module(f"presenters.{name}").start(bot))
    finally:
        if scheduler is not None:
            scheduler.stop()


def start_source_schedule(settings: Any) -> Any:
    """Scheduled sources sync in the background of every long-running presenter (the store's
    lease lets one replica run each), permission passes run there on ``access_schedule``
    with ``[access]`` on, and webhooks trigger syncs through it; None when none of these
    is wanted."""
    from bot.webhooks import attach_trigger, hooked_sources
    from sources.scheduler import wanted

    hooks = hooked_sources(settings)
    if not hooks and not wanted(settings):
        return None
    from apps.cli.sources import open_bot_store
    from sources.scheduler import start_background

    scheduler = start_background(settings, open_bot_store(settings), always=hooks)
    attach_trigger(scheduler.trigger if scheduler is not None else None)
    return scheduler


def with_section_updates(settings: Any, section: str, updates: dict[str, Any]) -> Any:
    """``settings`` with ``updates`` applied to the dotted ``section`` (``"mcp.serve"``)."""
    head, _, rest = section.partition(".")
    part = getattr(settings, head)
    changed = with_section_updates(part, rest, updates) if rest else part.model_copy(
        update=updates)
    return settings.model_copy(update={head: changed})


def serve_on_ray(args: argparse.Namespace, name: str, settings: Any) -> int:
    """``--ray``: the presenter's replicas on Ray Serve, in the foreground."""
    import sys

    if name not in with_replicas():
        print(f"bot serve: --ray serves {' or '.join(with_replicas())}, not {name}. Fix: "
              "run it without --ray", file=sys.stderr)
        return 2
    from apps.cli.deploy import serve_on_ray as run_on_ray
    from config.sections import DeploySettings

    updates = {k: v for k in ("host", "port", "address") if (v := getattr(args, k, None))}
    section = DeploySettings.model_validate({**settings.deploy.model_dump(), **updates})
    return run_on_ray(name, settings.model_copy(update={"deploy": section}))
