"""Settings that point the bot at a :class:`~tests.fakes.openai_server.FakeOpenAI`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config import Settings, load_settings
from config.profiles import ProfileSettings
from tests.fakes.openai_server import FakeOpenAI

FAST_RETRIES = {"retry_backoff_s": 0.01}  # tests retry quickly; the policy is the same


def fake_profile(server: FakeOpenAI, **fields: Any) -> dict[str, Any]:
    """An ``openai`` profile for ``server``: no key, short deadline, no retries unless asked."""
    return {"kind": "openai", "base_url": server.base_url, "model": server.model,
            "timeout_s": 5.0, "max_retries": 0, "price_in": 0.15, "price_out": 0.60,
            **FAST_RETRIES, **fields}


def fake_profile_settings(server: FakeOpenAI, **fields: Any) -> ProfileSettings:
    return ProfileSettings(**fake_profile(server, **fields))


def openai_settings(
    data_dir: Path, server: FakeOpenAI, name: str = "fake", *,
    extra_profiles: dict[str, dict[str, Any]] | None = None, **fields: Any,
) -> Settings:
    """Settings whose primary role is ``name``, a profile for ``server`` (plus ``fields``)."""
    profiles = {name: fake_profile(server, **fields), **(extra_profiles or {})}
    return load_settings(data_dir=data_dir, tools=["clock", "calculator"],
                         roles={"primary": name}, profiles=profiles)
