"""Where each effective setting came from: flag, env, .env, TOML file, preset or default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_settings import DotEnvSettingsSource, EnvSettingsSource, TomlConfigSettingsSource

from config.profiles import PRESETS
from config.settings import Settings


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as dotted keys; lists and scalars are leaves."""
    if not isinstance(value, dict) or (prefix and not value):
        return {prefix: value}
    out: dict[str, Any] = {}
    for key, inner in value.items():
        out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
    return out


def _lower(data: dict[str, Any]) -> dict[str, Any]:
    return {k.lower(): v for k, v in flatten(data).items()}


def source_layers(overrides: dict[str, Any], toml: Path | None) -> list[tuple[str, dict[str, Any]]]:
    """Each source's own values, highest precedence first."""
    layers = [
        ("flag", _lower(overrides)),
        ("env", _lower(EnvSettingsSource(Settings)())),
        (".env", _lower(DotEnvSettingsSource(Settings)())),
    ]
    if toml is not None:
        layers.append((str(toml), _lower(TomlConfigSettingsSource(Settings, toml_file=toml)())))
    layers.append(("preset", _lower({"profiles": PRESETS})))
    return layers


def origin_of(key: str, layers: list[tuple[str, dict[str, Any]]]) -> str:
    wanted = key.lower()
    for name, values in layers:
        if any(k == wanted or wanted.startswith(k + ".") for k in values):
            return name
    return "default"
