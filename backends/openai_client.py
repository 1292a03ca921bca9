"""The one way the bot builds a client for an OpenAI-compatible server: chat and embeddings.

Every client gets the same base URL (``${VAR}`` filled in from the environment), the same
key lookup (``api_key``, else the ``api_key_env`` variable), the same placeholder key for
self-hosted servers that need none, the profile's timeout, and the SDK's own retries off:
:mod:`backends.retry` is the only layer that retries.
"""

from __future__ import annotations

from typing import Any

from backends.api_keys import NO_KEY, is_self_hosted, missing_key_message, resolve_api_key
from backends.endpoints import resolve_base_url
from config.profiles import ProfileSettings
from contracts.llm_errors import LLMNotConfigured
from contracts.secrets import register_secret


def openai_client(name: str, profile: ProfileSettings, *, blocking: bool = False) -> Any:
    """``AsyncOpenAI`` (or ``OpenAI`` when ``blocking``) for profile ``name``.

    A hosted API with no key raises :class:`LLMNotConfigured` naming the setting to fix.
    """
    import openai

    base_url = resolve_base_url(name, profile)
    key = resolve_api_key(name, profile)
    if key is None and not is_self_hosted(base_url):
        raise LLMNotConfigured(missing_key_message(name, profile), profile=name)
    register_secret(key)
    client_class = openai.OpenAI if blocking else openai.AsyncOpenAI
    return client_class(base_url=base_url, api_key=key or NO_KEY, max_retries=0,
                        timeout=profile.timeout_s)
