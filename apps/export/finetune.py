"""Rated conversations as chat-format JSONL that OpenAI's fine-tuning accepts.

One example per rated answer: the system prompt the agent used, the conversation before
the answer (earlier answers with ``weight: 0``, so only the rated one is trained on), the
question, the tool calls with what the tools returned, and the answer. Every text passes
through the redactor. An answer that failed, was stopped, or whose tool results were not
recorded (answers stored before results were kept) is skipped and counted.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from agents.retrieval import format_passages
from apps.export.redaction import Redactor
from contracts.run_context import Prompts
from contracts.store import TurnRecord
from contracts.tools import Tool, tool_spec
from stores.rated import RatedAnswer

PIPELINE_SEARCH = "pipeline-search"


@dataclass
class FinetuneExport:
    """Turns rated answers into examples; ``skipped`` counts the ones left out, by reason."""

    prompts: Prompts
    agent: str
    redact: Redactor
    tools: dict[str, Tool] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)

    def example(self, rated: RatedAnswer) -> dict[str, Any] | None:
        answer = rated.answer
        if answer.error_id or answer.interrupted or not answer.text.strip():
            self.skipped["failed or stopped"] += 1
            return None
        pipeline = self.agent == "pipeline" or any(
            c.get("id") == PIPELINE_SEARCH for c in answer.tool_calls)
        calls = [] if pipeline else answer.tool_calls
        if any(c.get("result") is None for c in calls):
            self.skipped["tool results not recorded"] += 1
            return None
        if any(self._spec(c["name"]) is None for c in calls):
            self.skipped["calls a tool this configuration does not offer"] += 1
            return None
        messages = [self._message("system", self._system(answer, pipeline))]
        messages += self._history(rated.turns[:-1])
        messages += self._tool_steps(calls)
        messages.append({**self._message("assistant", answer.text), "weight": 1})
        example: dict[str, Any] = {"messages": messages}
        specs = [self._spec(c["name"]) for c in calls]
        if calls:
            example["tools"] = list({s["function"]["name"]: s for s in specs if s}.values())
        return example

    def _message(self, role: str, text: str) -> dict[str, Any]:
        return {"role": role, "content": self.redact(text)}

    def _system(self, answer: TurnRecord, pipeline: bool) -> str:
        """The prompt the agent answered under; the pipeline's shows the cited passages."""
        if not pipeline:
            return self.prompts.text("system")
        if answer.sources:
            return self.prompts.render("respond", passages=format_passages(answer.sources))
        return self.prompts.text("respond_direct")

    def _history(self, turns: list[TurnRecord]) -> list[dict[str, Any]]:
        out = []
        for turn in turns:
            if turn.role == "user":
                out.append(self._message("user", turn.text))
            elif turn.text.strip() and not turn.error_id:
                out.append({**self._message("assistant", turn.text), "weight": 0})
        return out

    def _tool_steps(self, calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not calls:
            return []
        requests = [{"id": c["id"], "type": "function", "function": {
            "name": c["name"], "arguments": self.redact(_arguments(c.get("arguments")))}}
            for c in calls]
        results = [{"role": "tool", "tool_call_id": c["id"], "content": self.redact(c["result"])}
                   for c in calls]
        return [{"role": "assistant", "tool_calls": requests, "weight": 0}, *results]

    def _spec(self, name: str) -> dict[str, Any] | None:
        tool = self.tools.get(name)
        return None if tool is None else {"type": "function",
                                          "function": tool_spec(tool).model_dump()}


def _arguments(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value or {}, ensure_ascii=False)


def to_jsonl(examples: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples)
