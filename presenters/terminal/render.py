"""How the terminal shows each event. Answers, sources and errors go to ``out``; tool steps
and status go to ``err`` so that ``bot ask ... > answer.txt`` keeps only the answer."""

from __future__ import annotations

import json
from typing import TextIO

from bot.contracts.events import (
    Done,
    Error,
    Event,
    Sources,
    Status,
    TextDelta,
    ToolCall,
    ToolResult,
    Usage,
)


def format_sources(event: Sources) -> str:
    lines = [f"  [{s.n}] {s.label()}" for s in event.sources]
    return "Sources:\n" + "\n".join(lines)


def format_usage(event: Usage) -> str:
    ttft = "" if event.ttft_s is None else f" · first token {event.ttft_s:.2f} s"
    return (
        f"[{event.input_tokens} in / {event.output_tokens} out tokens · ${event.cost_usd:.4f} · "
        f"{event.latency_s:.2f} s{ttft} · {event.backend}/{event.model}]"
    )


def format_tool_call(event: ToolCall) -> str:
    args = event.arguments if isinstance(event.arguments, str) else json.dumps(event.arguments)
    return f"  ⚙ {event.name} {args}"


class TerminalRenderer:
    """Renders one turn's events as they stream; remembers whether a line is open."""

    def __init__(self, out: TextIO, err: TextIO, show_stats: bool = False) -> None:
        self.out, self.err, self.show_stats = out, err, show_stats
        self.open_line = False
        self.failed = False

    def _line(self, text: str, stream: TextIO | None = None) -> None:
        stream = stream or self.out
        if self.open_line:
            self.out.write("\n")
            self.open_line = False
        stream.write(text + "\n")
        stream.flush()

    def render(self, event: Event) -> None:
        if isinstance(event, TextDelta):
            self.out.write(event.text)
            self.out.flush()
            self.open_line = not event.text.endswith("\n")
        elif isinstance(event, Status):
            self._line(f"  … {event.text}", self.err)
        elif isinstance(event, ToolCall):
            self._line(format_tool_call(event), self.err)
        elif isinstance(event, ToolResult):
            mark = "✗" if event.is_error else "→"
            self._line(f"  {mark} {event.content.splitlines()[0][:200] if event.content else ''}",
                       self.err)
        elif isinstance(event, Sources):
            self._line("\n" + format_sources(event))
        elif isinstance(event, Error):
            self.failed = True
            self._line(event.message)
        elif isinstance(event, Usage) and self.show_stats:
            self._line(format_usage(event))
        elif isinstance(event, Done):
            self.finish(event.interrupted)

    def finish(self, interrupted: bool = False) -> None:
        if interrupted and not self.failed:
            self._line(" (interrupted)")
        elif self.open_line:
            self.out.write("\n")
            self.out.flush()
            self.open_line = False
