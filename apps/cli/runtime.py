"""Loading settings for a subcommand: one clear message and exit code 2 on bad config."""

from __future__ import annotations

import argparse
import sys
import tomllib
from typing import Any

from pydantic import ValidationError

from bot.registry import load


def describe_validation_error(exc: ValidationError) -> str:
    """One line per bad field: the field, the bad value and what to do."""
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        msg = err["msg"].removeprefix("Value error, ")
        value = err.get("input")
        shown = "" if isinstance(value, dict) or value is None else f" = {value!r}"
        fix = _fix_for(err)
        lines.append(f"  {field}{shown}: {msg}{fix}")
    return "Invalid configuration:\n" + "\n".join(lines)


def _fix_for(err: Any) -> str:
    if err["type"] == "literal_error":
        return f". Fix: use {err['ctx']['expected']}"
    if err["type"] == "extra_forbidden":
        return ". Fix: remove it or check its spelling (see `bot config show`)"
    if "Fix:" in err["msg"]:
        return ""
    return ". Fix: correct this value in bot.toml, the environment (BOT_...) or the flag"


def load_or_exit(args: argparse.Namespace, overrides: dict[str, Any]) -> Any:
    from config.settings import ConfigFileMissing, load_settings

    try:
        return load_settings(getattr(args, "config", None), **overrides)
    except ValidationError as exc:
        print(describe_validation_error(exc), file=sys.stderr)
    except ConfigFileMissing as exc:
        print(f"Invalid configuration: {exc}", file=sys.stderr)
    except tomllib.TOMLDecodeError as exc:  # the file is not TOML at all
        print(f"Invalid configuration: the config file is not valid TOML ({exc}). Fix: "
              "correct that line (see config/bot.example.toml)", file=sys.stderr)
    raise SystemExit(2)


def run_handler(args: argparse.Namespace, overrides: dict[str, Any]) -> int:
    settings = load_or_exit(args, overrides)
    from bot.logging import configure_logging
    from contracts.secrets import register_secret

    configure_logging(settings.log.level, settings.log.format, settings.log.file)
    for secret in collect_secrets(settings):
        register_secret(secret)
    handler = load(args.handler)
    return int(handler(args, settings) or 0)


def collect_secrets(settings: Any) -> list[str]:
    """Every secret value in the settings, so logs can redact them."""
    import os

    out = []
    for profile in settings.profiles.values():
        if profile.api_key:
            out.append(profile.api_key.get_secret_value())
        if profile.api_key_env and os.environ.get(profile.api_key_env):
            out.append(os.environ[profile.api_key_env])
    for section in (settings.slack, settings.gradio, settings.store, settings.mcp.serve):
        for value in section.__dict__.values():
            if hasattr(value, "get_secret_value"):
                out.append(value.get_secret_value())
    for server in settings.mcp.servers.values():  # MCP servers' env values and HTTP headers
        out += [v.get_secret_value() for v in [*server.env.values(), *server.headers.values()]]
        if server.oauth is not None:  # its client secret and the admin's refresh token
            out += [v.get_secret_value() for v in (server.oauth.client_secret,
                                                   server.oauth.refresh_token) if v is not None]
    out += [key.get_secret_value() for key in settings.api.keys.values()]
    out += [token.get_secret_value() for token in settings.mcp.serve.tokens.values()]
    out += [value.get_secret_value() for value in settings.tracing.headers.values()]
    return out
