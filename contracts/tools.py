"""The tool contract: typed pydantic arguments, a JSON schema for the model, a result.

A tool runs with the turn's :class:`~contracts.run_context.ToolRunContext`.
"""

from __future__ import annotations

import functools
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from contracts.events import Source
from contracts.llm import ToolSpec
from contracts.run_context import ToolRunContext


class ToolOutput(BaseModel):
    """What a tool returns: text the model reads, and any sources to cite."""

    content: str
    sources: list[Source] = Field(default_factory=list)


class ToolError(Exception):
    """A failure the model should read and may recover from (bad input, nothing found)."""


@runtime_checkable
class Tool(Protocol):
    """A tool: plain class attributes ``name``, ``description`` and ``Args`` do.

    Optional: ``ask_first = True`` (each call waits for a person's approval) and
    ``input_schema`` (a JSON schema the model sees instead of ``Args``'s).
    """

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def Args(self) -> type[BaseModel]: ...  # the arguments model (a class)

    async def run(self, args: Any, ctx: ToolRunContext) -> ToolOutput: ...


def asks_first(tool: Tool) -> bool:
    """Whether calls to ``tool`` wait for a person's approval (an optional ``ask_first``)."""
    return bool(getattr(tool, "ask_first", False))


def tool_spec(tool: Tool) -> ToolSpec:
    """The JSON-schema description the model sees for ``tool``.

    A tool whose arguments come as a JSON schema (an MCP tool) gives it as ``input_schema``.
    """
    given = getattr(tool, "input_schema", None)
    if isinstance(given, dict):
        return ToolSpec(name=tool.name, description=tool.description, parameters=given)
    return _spec(tool.name, tool.description, tool.Args)


@functools.cache
def _spec(name: str, description: str, args: type[BaseModel]) -> ToolSpec:
    """Built once per tool: pydantic's schema generation costs ~0.1 ms, every model call."""
    schema = args.model_json_schema()
    schema.pop("title", None)
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
    return ToolSpec(name=name, description=description, parameters=schema)
