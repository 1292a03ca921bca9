"""An MCP server's question in the middle of a call, asked in the terminal:

    ? time asks: How many seats in room 4?
      seats (integer): 4

Each field of the server's form is one line of input (an empty line declines, Ctrl-C stops
the turn); a value that does not fit the field's type is asked again, twice at most.
"""

from __future__ import annotations

from typing import Any, TextIO

from contracts.elicitation import ElicitationAnswer, ElicitationAsk
from presenters.terminal.approval import read_line

TRIES = 3
TRUE, FALSE = {"y", "yes", "true", "1"}, {"n", "no", "false", "0"}


class TerminalElicitor:
    """The terminal's :class:`~contracts.elicitation.Elicitor`: stderr and stdin."""

    def __init__(self, stdin: TextIO, err: TextIO) -> None:
        self.stdin, self.err = stdin, err

    async def ask(self, ask: ElicitationAsk) -> ElicitationAnswer:
        self.say(f"  ? {ask.server} asks: {ask.message}\n")
        required = set(ask.schema.get("required", []))
        content: dict[str, Any] = {}
        for name, spec in dict(ask.schema.get("properties", {})).items():
            value = await self.field(name, spec)
            if value is None and name in required:
                self.say("    (declined)\n")
                return ElicitationAnswer("decline")
            if value is not None:
                content[name] = value
        return ElicitationAnswer("accept", content)

    async def field(self, name: str, spec: dict[str, Any]) -> Any:
        """One field's value; None when the person left it empty or never typed a fit."""
        for _ in range(TRIES):
            self.say(f"    {spec.get('title') or name}{hint(spec)}: ")
            line = (await read_line(self.stdin)).strip()
            if not self.stdin.isatty():
                self.say("\n")
            if not line:
                return None
            value = parsed(line, spec)
            if value is not None:
                return value
            self.say(f"    that is not {hint(spec).strip(' ()') or 'a value'}; try again\n")
        return None

    def say(self, text: str) -> None:
        self.err.write(text)
        self.err.flush()


def hint(spec: dict[str, Any]) -> str:
    if spec.get("enum"):
        return f" ({' / '.join(map(str, spec['enum']))})"
    kind = spec.get("type", "string")
    return "" if kind == "string" else f" ({'yes / no' if kind == 'boolean' else kind})"


def parsed(line: str, spec: dict[str, Any]) -> Any:
    """``line`` as the field's type (string, integer, number, boolean, enum); None if not."""
    kind, choices = spec.get("type", "string"), spec.get("enum")
    if choices:
        return line if line in map(str, choices) else None
    try:
        if kind == "integer":
            return int(line)
        if kind == "number":
            return float(line)
    except ValueError:
        return None
    if kind == "boolean":
        low = line.lower()
        return True if low in TRUE else False if low in FALSE else None
    return line
