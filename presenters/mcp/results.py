"""What ``ask`` and ``search_knowledge`` return: text a model reads (the answer, then the
numbered sources), and the same as structured content for programs."""

from __future__ import annotations

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from contracts.events import Source
from contracts.tools import ToolOutput
from contracts.turn_view import TurnView


class SourceOut(BaseModel):
    n: int
    source: str
    title: str = ""
    heading: str = ""
    score: float = 0.0


class StepOut(BaseModel):
    tool: str
    failed: bool
    approval: str | None = None


class AskResult(BaseModel):
    answer: str
    sources: list[SourceOut]
    steps: list[StepOut]
    conversation: str
    turn_id: int | None
    interrupted: bool
    error: str | None = None


class Passage(SourceOut):
    text: str


class SearchResult(BaseModel):
    summary: str
    passages: list[Passage]


def sources_text(sources: list[Source]) -> str:
    return "Sources:\n" + "\n".join(f"[{s.n}] {s.label()}" for s in sources)


def ask_result(view: TurnView, conversation: str) -> CallToolResult:
    """A finished turn: its answer (notes and apology included) and sources."""
    parts = [view.answer.strip(), *view.notes(), view.error.message if view.error else ""]
    if view.sources:
        parts.append(sources_text(view.sources))
    result = AskResult(
        answer=view.answer, conversation=conversation, turn_id=view.turn_id,
        interrupted=view.interrupted, error=view.error.message if view.error else None,
        sources=[SourceOut.model_validate(s.model_dump()) for s in view.sources],
        steps=[StepOut(tool=s.name, failed=s.failed, approval=s.approval_note)
               for s in view.steps])
    text = "\n\n".join(p for p in parts if p)
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=result.model_dump(mode="json"),
                          is_error=view.error is not None and not view.text.strip())


def search_result(output: ToolOutput) -> CallToolResult:
    """The passages found, each under its number and source."""
    passages = [Passage.model_validate(s.model_dump()) for s in output.sources]
    blocks = [output.content, *(f"[{p.n}] {Source(**p.model_dump()).label()}\n{p.text}"
                                for p in passages)]
    result = SearchResult(summary=output.content, passages=passages)
    return CallToolResult(content=[TextContent(type="text", text="\n\n".join(blocks))],
                          structured_content=result.model_dump(mode="json"))
