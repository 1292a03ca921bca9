"""Where an ``openai``-kind profile's API key comes from, and what to say when it is missing."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlparse

from config.profiles import ProfileSettings

NO_KEY = "no-key-needed"  # loopback servers ignore the key, but the SDK wants one
_PRIVATE_SUFFIXES = (".local", ".internal", ".lan", ".home.arpa")


def is_self_hosted(base_url: str | None) -> bool:
    """Loopback, a private address or an intranet name: vLLM, Ollama, llama.cpp server.

    Such servers usually need no key, so a missing one is not an error there.
    """
    host = (urlparse(base_url or "https://api.openai.com/v1").hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or "." not in host or host.endswith(_PRIVATE_SUFFIXES)
    return address.is_loopback or address.is_private or address.is_unspecified


def resolve_api_key(name: str, profile: ProfileSettings) -> str | None:
    """The key from ``api_key``, else from the ``api_key_env`` variable; ``None`` if neither."""
    if profile.api_key is not None and profile.api_key.get_secret_value():
        return profile.api_key.get_secret_value()
    if profile.api_key_env:
        return os.environ.get(profile.api_key_env) or None
    return None


def missing_key_message(name: str, profile: ProfileSettings) -> str:
    where = profile.base_url or "api.openai.com"
    if profile.api_key_env:
        return (f"profiles.{name} ({where}) needs an API key. Fix: set the environment variable "
                f"{profile.api_key_env}, or profiles.{name}.api_key in bot.toml")
    return (f"profiles.{name} ({where}) needs an API key. Fix: set profiles.{name}.api_key_env "
            f"to the name of an environment variable holding it, or profiles.{name}.api_key")
