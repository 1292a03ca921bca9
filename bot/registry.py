"""Names -> "module:attr" strings for the heavy or optional parts, imported only when used.

This keeps ``bot --help`` free of openai and llama_cpp. Cheap parts (agents, tools) are typed
imports in :mod:`bot.catalog`; presenters are found by config/presenters.py's rule, in ``apps``.
"""

from __future__ import annotations

import importlib
from typing import Any

BACKENDS = {
    "openai": "backends.openai_backend:OpenAIBackend",
    "llamacpp": "backends.llamacpp_backend:LlamaCppBackend",
    "scripted": "backends.scripted:ScriptedLLM",
    "function": "backends.scripted:FunctionLLM",
    "deployment": "backends.deployment_backend:DeploymentLLM",  # set by `bot deploy`
}

# `function` profiles may name one of these instead of a "module:attr" of their own
BUILTIN_FUNCTIONS = {"echo": "backends.scripted:echo"}


def load(target: str) -> Any:
    """Import ``"package.module:attr"`` and return the attribute."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module
