"""A tool's run context outside a turn, for tests that call a tool directly."""

from __future__ import annotations

from bot.models import ModelPool
from bot.prompts import PromptLibrary
from config import Settings, load_settings
from contracts.llm import LLM
from contracts.run_context import ToolRunContext


def tool_context(settings: Settings | None = None, **llms: LLM) -> ToolRunContext:
    """Roles resolved as the bot resolves them; ``llms`` put given models in given roles."""
    settings = settings or load_settings()
    return ToolRunContext(models=ModelPool(settings, llms), settings=settings,
                          prompts=PromptLibrary(settings.environment, settings.prompts_dir))
