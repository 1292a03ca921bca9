"""``bot config show``: every effective value, secrets masked, with where it came from."""

from __future__ import annotations

import argparse
import json
from typing import Any

from apps.cli.config_slack import slack_policy_lines
from apps.cli.config_where import applies_where
from config.origin import flatten, origin_of, source_layers
from config.sections import ROLES
from config.settings import toml_path


def profiles_in_use(settings: Any) -> list[str]:
    names: list[str] = []
    chosen = [settings.roles.profile_for(role) for role in ROLES]
    chosen += [s.primary for s in settings.spaces.values() if s.primary]  # spaces pick too
    for name in chosen:
        for candidate in [name, *settings.profiles[name].fallbacks]:
            if candidate not in names:
                names.append(candidate)
    return names


def show(args: argparse.Namespace, settings: Any) -> int:
    from apps.cli.main import overrides_from

    data = settings.model_dump(mode="json", by_alias=True)  # secrets dump as '**********'
    in_use = profiles_in_use(settings)
    if not args.all:
        data["profiles"] = {k: v for k, v in data["profiles"].items() if k in in_use}
    layers = source_layers(overrides_from(args), toml_path(getattr(args, "config", None)))
    rows = [(k, json.dumps(v, default=str), origin_of(k, layers)) for k, v in flatten(data).items()]
    width = max(len(k) + len(v) for k, v, _ in rows) + 3
    for key, value, origin in rows:
        print(f"{key} = {value}".ljust(width) + f"  # {origin}")
    others = sorted(set(settings.profiles) - set(in_use))
    if others and not args.all:
        print(f"# other profiles (see --all): {', '.join(others)}")
    print("\n".join(applies_where(settings) + slack_policy_lines(settings)))
    return 0
