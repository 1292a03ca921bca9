"""``bot``: parse flags, load settings, dispatch to a subcommand's handler (imported lazily)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

# Each module defines ``register(subparsers)``; its parsers set ``handler="module:func"``.
COMMAND_MODULES = [
    "apps.cli.chat",
    "apps.cli.serve",
    "apps.cli.deploy",
    "apps.cli.config_cmd",
    "apps.cli.eval_cmd",
    "apps.cli.kb",
    "apps.cli.sources",
    "apps.cli.stats",
    "apps.cli.export_cmd",
    "apps.cli.access",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot",
        description="A chatbot for your team's documents: terminal, Slack and web, any LLM.",
    )
    parser.add_argument("--config", metavar="PATH", help="TOML settings file (default ./bot.toml)")
    parser.add_argument("--primary", metavar="PROFILE", help="profile for the primary role")
    parser.add_argument("--agent", choices=["auto", "tools", "pipeline"],
                        help="agent to run (auto: pipeline on the embedded model, else tools)")
    parser.add_argument("--environment", metavar="NAME", help="prompt set to use")
    parser.add_argument("--data-dir", metavar="DIR", help="where the store and index live")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--version", action="version", version="bot 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """CLI flags as settings overrides: the highest precedence."""
    out: dict[str, Any] = {}
    if args.primary:
        out["roles"] = {"primary": args.primary}
    for flag in ("agent", "environment", "data_dir"):
        if getattr(args, flag, None):
            out[flag] = getattr(args, flag)
    if args.log_level:
        out["log"] = {"level": args.log_level}
    out.update(getattr(args, "settings_overrides", None) or {})
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from apps.cli.layers_check import shadowed_layers

    if problems := shadowed_layers():
        sys.stderr.write("".join(f"bot: {line}\n" for line in problems))
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from apps.cli.runtime import run_handler

    return run_handler(args, overrides_from(args))


if __name__ == "__main__":
    sys.exit(main())
