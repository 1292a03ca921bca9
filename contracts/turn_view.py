"""One turn as a user sees it, folded from the Session's events: every presenter renders it.

The rules every surface shares live here, once: the answer text and the notes after it
(placed outside a code block the text left open), tool steps with their arguments as JSON
and the approval they waited for (``ToolStep.approval_note``),
the sources, the usage line, the error sentence, and when a turn counts as interrupted (it
was stopped, or it failed after part of the answer was shown) or as having no answer.
The Session folds the same events into the same view to decide what it stores.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from contracts.events import (
    ApprovalDecision,
    ApprovalRequest,
    Done,
    Error,
    Event,
    Notice,
    Source,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
)
from contracts.store import TurnRecord

INTERRUPTED = "(interrupted)"
NO_ANSWER = "(no answer)"
Change = Literal["text", "status", "step", "other"]
Approval = Literal["asked", "allowed", "denied"]
APPROVAL_NOTES = {  # (state, decided by) -> what every presenter says about the approval
    ("asked", None): "waiting for approval",
    ("allowed", "person"): "approved", ("denied", "person"): "denied",
    ("denied", "timeout"): "denied: no answer in time",
    ("allowed", "default"): "allowed by default (no one to ask)",
    ("denied", "default"): "denied by default (no one to ask)",
    ("denied", "ended"): "not answered before the turn ended",
}
_OLD_NOTE = "\n\n(interrupted)"  # answers stored before the view existed carry it in their text
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


@dataclass
class ToolStep:
    """One tool call: its arguments, then its result (``None`` while it runs)."""

    id: str
    name: str
    arguments: dict[str, Any] | str
    result: str | None = None
    failed: bool = False
    status: str | None = None  # e.g. "using calculator…" while it runs
    approval: Approval | None = None  # None: the call needed no approval
    approval_id: str | None = None  # what to answer Session.approve with while "asked"
    approval_by: str | None = None  # "person", "timeout" or "default" once decided

    @property
    def arguments_json(self) -> str:
        """The arguments as the model sent them: JSON, or its raw text when it was not JSON."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False)

    @property
    def approval_note(self) -> str | None:
        """``approved``, ``denied: no answer in time``, …; None when no approval was needed."""
        if self.approval is None:
            return None
        return APPROVAL_NOTES.get((self.approval, self.approval_by), self.approval)

    def stored(self) -> dict[str, Any]:
        """What the store keeps: the call, what the model read back (for fine-tune export),
        and its approval when it needed one."""
        kept: dict[str, Any] = {"id": self.id, "name": self.name, "arguments": self.arguments,
                                "result": self.result, "failed": self.failed}
        if self.approval is not None:
            kept |= {"approval": self.approval, "approval_by": self.approval_by}
        return kept


@dataclass
class TextBlock:
    text: str


@dataclass
class StatusNote:
    """A progress line shown on its own (no tool step was running)."""

    text: str


Block = TextBlock | ToolStep | StatusNote


@dataclass
class TurnView:
    """What the user should see of one turn so far; :meth:`apply` each event as it arrives."""

    blocks: list[Block] = field(default_factory=list)
    text: str = ""
    notices: list[str] = field(default_factory=list)
    status: str | None = None
    sources: list[Source] = field(default_factory=list)
    usage: Usage | None = None
    error: Error | None = None
    interrupted: bool = False
    finished: bool = False
    turn_id: int | None = None
    last_step: ToolStep | None = None  # the step the latest event started or finished
    version: int = 0

    def apply(self, event: Event) -> Change:
        """Take in one event; returns what kind of thing changed."""
        self.version += 1
        if isinstance(event, TextDelta):
            self._add_text(event.text)
            return "text"
        if isinstance(event, Status | ToolCall | ToolResult):
            return self._progress(event)
        if isinstance(event, ApprovalRequest | ApprovalDecision):
            return self._approval(event)
        if isinstance(event, Notice):
            self.notices.append(event.text)
            return "text"
        self._other(event)
        return "other"

    def _add_text(self, text: str) -> None:
        self.text += text
        last = self.blocks[-1] if self.blocks else None
        if isinstance(last, TextBlock):
            last.text += text
        else:
            self.blocks.append(TextBlock(text))

    def _progress(self, event: Status | ToolCall | ToolResult) -> Change:
        if isinstance(event, Status):
            self.status = event.text
            running = self.running_step()
            if running is not None:  # "using calculator…" belongs to the step already shown
                running.status = event.text
            else:
                self.blocks.append(StatusNote(event.text))
            return "status"
        if isinstance(event, ToolCall):
            self.last_step = ToolStep(event.id, event.name, event.arguments)
            self.blocks.append(self.last_step)
            return "step"
        step = self.step(event.id) or ToolStep(event.id, event.name, "")
        if step not in self.blocks:
            self.blocks.append(step)
        step.result, step.failed, step.status = event.content, event.is_error, None
        self.last_step = step
        return "step"

    def _approval(self, event: ApprovalRequest | ApprovalDecision) -> Change:
        step = self.step(event.step_id)
        if step is None:  # an approval for a call never shown: show the call
            step = ToolStep(event.step_id, event.tool, getattr(event, "arguments", ""))
            self.blocks.append(step)
        if isinstance(event, ApprovalRequest):
            step.approval, step.approval_id = "asked", event.id
        else:
            step.approval = "allowed" if event.allowed else "denied"
            step.approval_id, step.approval_by = None, event.by
        self.last_step = step
        return "step"

    def _other(self, event: Event) -> None:
        if isinstance(event, Sources):
            self.sources = event.sources
        elif isinstance(event, Usage):
            self.usage = event
        elif isinstance(event, Error):
            self.error = event
            self.interrupted = self.interrupted or bool(self.text)  # it broke off mid-answer
            self._end_approvals()
        elif isinstance(event, Done):
            self.finished = True
            self._end_approvals()
            self.turn_id = event.turn_id
            self.interrupted = self.interrupted or event.interrupted

    def stop(self) -> None:
        """The answer was stopped before its end (Stop, Ctrl-C, a closed page)."""
        self.interrupted = self.finished = True
        self._end_approvals()
        self.version += 1

    def _end_approvals(self) -> None:
        """A turn that ended (timed out, failed, stopped) waits for no approval any more."""
        for step in self.steps:
            if step.approval == "asked":
                step.approval, step.approval_id, step.approval_by = "denied", None, "ended"

    # -- what a presenter shows ------------------------------------------------------------
    @property
    def steps(self) -> list[ToolStep]:
        return [b for b in self.blocks if isinstance(b, ToolStep)]

    def step(self, step_id: str) -> ToolStep | None:
        return next((s for s in self.steps if s.id == step_id), None)

    @property
    def pending_approval(self) -> ToolStep | None:
        """The step waiting for a person's yes or no, if any."""
        return next((s for s in self.steps if s.approval == "asked"), None)

    def running_step(self) -> ToolStep | None:
        return next((s for s in reversed(self.steps) if s.result is None), None)

    @property
    def answer(self) -> str:
        """The answer text, then its notices, outside any code block the text left open."""
        return self.text + self.after_text()

    def after_text(self) -> str:
        """What follows the streamed text in the answer: a fence closed, then the notices."""
        if not self.notices:
            return ""
        fence = open_fence(self.text)
        closing = "" if fence is None else ("" if self.text.endswith("\n") else "\n") + fence
        return closing + "".join(f"\n\n{n}" for n in self.notices)

    @property
    def no_answer(self) -> bool:
        """Finished with nothing to show: no text, no error, not stopped."""
        return (self.finished and not self.answer.strip() and self.error is None
                and not self.interrupted)

    def notes(self) -> list[str]:
        """The notes under the answer, in order: ``(interrupted)`` or ``(no answer)``."""
        if self.interrupted:
            return [INTERRUPTED]
        return [NO_ANSWER] if self.no_answer else []

    def usage_line(self) -> str | None:
        return None if self.usage is None else usage_line(self.usage)

    @classmethod
    def from_record(cls, turn: TurnRecord) -> TurnView:
        """A stored answer as it was shown: its steps, text, sources and what went wrong."""
        text = turn.text.removesuffix(_OLD_NOTE) if turn.interrupted else turn.text
        view = cls(turn_id=turn.id, finished=True, interrupted=turn.interrupted,
                   sources=list(turn.sources), text=text)
        view.blocks = [ToolStep(str(c.get("id", "")), str(c.get("name", "tool")),
                                c.get("arguments", ""), approval=c.get("approval"),
                                approval_by=c.get("approval_by")) for c in turn.tool_calls]
        if text:
            view.blocks.append(TextBlock(text))
        if turn.error_id:
            view.error = Error.apology("This answer failed.", turn.error_id)
        return view


def usage_line(usage: Usage) -> str:
    """``12 in / 34 out tokens · $0.0001 · 1.50 s · first token 0.20 s · profile/model``."""
    ttft = "" if usage.ttft_s is None else f" · first token {usage.ttft_s:.2f} s"
    return (f"{usage.input_tokens} in / {usage.output_tokens} out tokens · "
            f"${usage.cost_usd:.4f} · {usage.latency_s:.2f} s{ttft} · "
            f"{usage.backend}/{usage.model}")


def open_fence(text: str) -> str | None:
    """The fence (```` ``` ```` or ``~~~``) that would close a code block ``text`` left open."""
    fence: str | None = None
    for line in text.split("\n"):
        match = _FENCE.match(line)
        if match is None:
            continue
        marker, rest = match.groups()
        if fence is None:
            fence = marker
        elif marker[0] == fence[0] and len(marker) >= len(fence) and not rest.strip():
            fence = None
    return fence
