"""How the terminal shows a turn, as it streams: the :class:`TurnView` written line by line.

Answers, notes, sources and errors go to ``out``; tool steps and status go to ``err`` so that
``bot ask ... > answer.txt`` keeps only the answer.
"""

from __future__ import annotations

from typing import TextIO

from contracts.events import (
    ApprovalDecision,
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
from contracts.turn_view import TurnView


class TerminalRenderer:
    """Writes each event's part of the view; remembers whether a line is open."""

    def __init__(self, out: TextIO, err: TextIO, show_stats: bool = False) -> None:
        self.out, self.err, self.show_stats = out, err, show_stats
        self.view = TurnView()
        self.open_line = False
        self._noted = False
        self._after = 0  # how much of the view's after-text (fence, notices) is written

    @property
    def failed(self) -> bool:
        return self.view.error is not None

    def _line(self, text: str, stream: TextIO | None = None) -> None:
        stream = stream or self.out
        if self.open_line:
            self.out.write("\n")
            self.open_line = False
        stream.write(text + "\n")
        stream.flush()

    def _text(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()
        self.open_line = not text.endswith("\n")

    def render(self, event: Event) -> None:
        self.view.apply(event)
        if isinstance(event, TextDelta):
            self._text(event.text)
        elif isinstance(event, Notice):  # after a code block the text left open, if any
            after = self.view.after_text()
            self._text(after[self._after:])
            self._after = len(after)
        elif isinstance(event, Status):
            self._line(f"  … {event.text}", self.err)
        elif isinstance(event, ToolCall | ToolResult):
            self._step(event)
        elif isinstance(event, ApprovalDecision):
            self._approval(event)
        elif isinstance(event, Sources):
            lines = [citation_line(s) for s in event.sources]
            self._line("\nSources:\n" + "\n".join(lines))
        elif isinstance(event, Error):
            self._notes()  # "(interrupted)" comes before the apology
            self._line(event.message)
        elif isinstance(event, Usage) and self.show_stats:
            self._line(f"[{self.view.usage_line()}]")
        elif isinstance(event, Done):
            self.finish()

    def _step(self, event: ToolCall | ToolResult) -> None:
        step = self.view.step(event.id)
        if step is None:
            return
        if isinstance(event, ToolCall):
            self._line(f"  ⚙ {step.name} {step.arguments_json}", self.err)
            return
        first = step.result.splitlines()[0][:200] if step.result else ""
        self._line(f"  {'✗' if step.failed else '→'} {first}", self.err)

    def _approval(self, event: ApprovalDecision) -> None:
        step = self.view.step(event.step_id)
        if step is not None:
            self._line(f"  🔐 {step.name}: {step.approval_note}", self.err)

    def _notes(self) -> None:
        if self._noted:
            return
        for note in self.view.notes():
            self._noted = True
            self._line(("\n" if self.view.text else "") + note)

    def finish(self, interrupted: bool = False) -> None:
        """The turn ended (``interrupted``: the user stopped it): notes, then a clean line."""
        if interrupted:
            self.view.stop()
        self.view.finished = True
        self._notes()
        if self.open_line:
            self.out.write("\n")
            self.out.flush()
            self.open_line = False


def citation_line(source: Source) -> str:
    """``[n] label``; under it the link and the date, when the source gave them (a synced
    page is named by its title rather than its URL, which the second line shows)."""
    label = source.label()
    if source.url:
        name = source.title or source.source
        label = f"{name} — {source.heading}" if source.heading else name
    where = " · ".join(x for x in (source.url, source.modified[:10]) if x)
    return f"  [{source.n}] {label}\n      {where}" if where else f"  [{source.n}] {label}"
