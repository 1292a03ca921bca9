"""The server-sent events of a streamed Responses API answer, numbered in order.

``response.created``, ``response.in_progress``, ``response.output_item.added``,
``response.content_part.added``, then ``response.output_text.delta`` as the answer streams,
one ``response.output_text.annotation.added`` per source citation, then
``response.output_text.done``, ``response.content_part.done``, ``response.output_item.done``
and ``response.completed`` with the whole response. Each is ``event: <type>`` and
``data: <json>`` carrying ``type`` and ``sequence_number``, as OpenAI sends them.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Send

from presenters.api.responses_render import ResponseShape

SLOT = {"output_index": 0, "content_index": 0}  # the one message, its one text part


class ResponseEvents:
    """Writes one response's events to an ASGI ``send``."""

    def __init__(self, send: Send, shape: ResponseShape) -> None:
        self.send, self.shape, self.sequence = send, shape, 0

    async def emit(self, kind: str, **fields: Any) -> None:
        body = {"type": kind, "sequence_number": self.sequence, **fields}
        self.sequence += 1
        data = json.dumps(body, ensure_ascii=False)
        await self.send({"type": "http.response.body", "more_body": True,
                         "body": f"event: {kind}\ndata: {data}\n\n".encode()})

    async def opening(self) -> None:
        """Everything before the first piece of text."""
        shape = self.shape
        await self.emit("response.created", response=shape.response("in_progress", []))
        await self.emit("response.in_progress", response=shape.response("in_progress", []))
        await self.emit("response.output_item.added", output_index=0,
                        item=shape.message([], "in_progress"))
        await self.emit("response.content_part.added", item_id=shape.message_id, **SLOT,
                        part=shape.output_text("", []))

    async def delta(self, text: str) -> None:
        if text:
            await self.emit("response.output_text.delta", item_id=self.shape.message_id,
                            **SLOT, delta=text, logprobs=[])

    async def closing(self, response: dict[str, Any]) -> None:
        """The annotations, the done events with the whole text, then the response."""
        message = response["output"][0]
        part = message["content"][0]
        item_id = self.shape.message_id
        for i, note in enumerate(part["annotations"]):
            await self.emit("response.output_text.annotation.added", item_id=item_id, **SLOT,
                            annotation_index=i, annotation=note)
        await self.emit("response.output_text.done", item_id=item_id, **SLOT,
                        text=part["text"], logprobs=[])
        await self.emit("response.content_part.done", item_id=item_id, **SLOT, part=part)
        await self.emit("response.output_item.done", output_index=0, item=message)
        await self.emit("response.completed", response=response)
        await self.send({"type": "http.response.body", "body": b"", "more_body": False})
