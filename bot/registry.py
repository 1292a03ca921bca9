"""Names -> "module:attr" strings for the heavy or optional parts, imported only when used.

This keeps ``bot --help`` free of openai, llama_cpp, gradio, slack_bolt and starlette. Cheap parts
(agents, tools) are typed imports in :mod:`bot.catalog`.
"""

from __future__ import annotations

import importlib
from typing import Any

BACKENDS = {
    "openai": "bot.llm.openai_backend:OpenAIBackend",
    "llamacpp": "bot.llm.llamacpp_backend:LlamaCppBackend",
    "scripted": "bot.llm.scripted:ScriptedLLM",
    "function": "bot.llm.scripted:FunctionLLM",
    "deployment": "bot.llm.deployment_backend:DeploymentLLM",  # set by `bot deploy`
}
PRESENTERS = {
    "terminal": "presenters.terminal.chat:serve",
    "gradio": "presenters.gradio.app:serve",
    "slack": "presenters.slack.app:serve",
    "mcp": "presenters.mcp.serve:serve",
    "api": "presenters.api.serve:serve",
}


def load(target: str) -> Any:
    """Import ``"package.module:attr"`` and return the attribute."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module
