"""Names -> "module:attr" strings, imported only when configuration asks for them.

This keeps ``bot --help`` free of gradio, slack_bolt, chromadb, llama_cpp and ray.
"""

from __future__ import annotations

import importlib
from typing import Any

BACKENDS = {
    "openai": "bot.llm.openai_backend:OpenAIBackend",
    "llamacpp": "bot.llm.llamacpp_backend:LlamaCppBackend",
    "scripted": "bot.llm.scripted:ScriptedLLM",
    "function": "bot.llm.scripted:FunctionLLM",
}
AGENTS = {
    "tools": "agents.primary:ToolCallingAgent",
    "pipeline": "agents.pipeline:PipelineAgent",
}
TOOLS = {
    "clock": "tools.clock:CurrentTime",
    "calculator": "tools.calculator:Calculator",
    "search_knowledge": "tools.search_knowledge:SearchKnowledge",
    "compare": "tools.judge_tool:CompareCandidates",
}
# Single-purpose agents the eval harness (apps/eval) uses without importing agents/.
EVALUATORS = {
    "pairwise_judge": "judging.pairwise:PairwiseJudge",
    "extractor": "judging.extractor:AnswerExtractor",
}
PRESENTERS = {
    "stdio": "presenters.terminal.chat:serve",
    "gradio": "presenters.gradio.app:serve",
    "slack": "presenters.slack.app:serve",
}


def load(target: str) -> Any:
    """Import ``"package.module:attr"`` and return the attribute."""
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attr) if attr else module


def lookup(table: dict[str, str], name: str, what: str) -> Any:
    if name not in table:
        raise KeyError(f"unknown {what} {name!r}; known: {', '.join(sorted(table))}")
    return load(table[name])
