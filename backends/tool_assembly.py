"""Tool calls arrive in pieces across stream chunks; this puts them back together by index."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.messages import ToolCallRequest


@dataclass
class _Partial:
    id: str = ""
    name: str = ""
    arguments: str = ""


class ToolCallAssembler:
    """Feed every ``delta.tool_calls`` entry to :meth:`add`; :meth:`calls` gives them whole.

    OpenAI sends the id and name in the first piece of each call and the JSON arguments in
    any number of later pieces, keyed by ``index``; some servers repeat the id or name.
    """

    def __init__(self) -> None:
        self._parts: dict[int, _Partial] = {}

    def add(self, piece: Any) -> None:
        """One piece: the SDK's object or the same as plain JSON (a dict)."""
        index = _field(piece, "index")
        index = len(self._parts) if index is None else int(index)
        part = self._parts.setdefault(index, _Partial())
        if call_id := _field(piece, "id"):
            part.id = str(call_id)
        function = _field(piece, "function")
        if function is not None:
            if name := _field(function, "name"):
                part.name = str(name)
            if arguments := _field(function, "arguments"):
                part.arguments += str(arguments)

    def calls(self, id_prefix: str = "call") -> list[ToolCallRequest]:
        """The assembled calls in index order; a call the server sent no id for gets one."""
        return [
            ToolCallRequest(id=p.id or f"{id_prefix}_{i}", name=p.name, arguments=p.arguments)
            for i, p in sorted(self._parts.items())
        ]

    def __bool__(self) -> bool:
        return bool(self._parts)


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
