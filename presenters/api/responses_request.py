"""A Responses API request (``POST /v1/responses``): checked, and turned into a question.

Read: ``model``, ``input`` (a string, or message items whose content is a string or
``input_text``/``output_text`` parts), ``previous_response_id``, ``store``, ``stream``,
``user``. Accepted and ignored, as for chat completions: ``instructions`` (the bot keeps its
own system prompt), ``temperature``, ``max_output_tokens``, ``tools``, ``text``, ``metadata``
and any other field. Refused with OpenAI's error shape: images, files and audio, and items
other than messages (function calls and their outputs: the bot runs its own tools).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.transcript import Shown
from presenters.api.errors import bad_request

TEXT_PARTS = ("input_text", "output_text", "text")
SAID_BY = ("user", "assistant", "system", "developer")


class ResponsesRequest(BaseModel):
    """The fields of ``POST /v1/responses`` the bot reads."""

    model_config = ConfigDict(extra="allow")

    model: str
    input: str | list[dict[str, Any]]
    previous_response_id: str | None = Field(None, min_length=1, max_length=400)
    store: bool = True
    stream: bool = False
    user: str | None = Field(None, max_length=256)


@dataclass(frozen=True)
class Ask:
    """What one Responses request asks: the new user message and the messages before it."""

    model: str
    text: str
    history: list[Shown]
    previous_response_id: str | None
    store: bool
    stream: bool
    user: str | None


def part_text(part: Any, where: str) -> str:
    """One content part's text; images, files and audio are refused."""
    kind = part.get("type") if isinstance(part, dict) else None
    if kind not in TEXT_PARTS or not isinstance(part.get("text"), str):
        raise bad_request(f"Only text input is supported; {where} is a {kind!r} part. Send "
                          "the text alone (input_text).", where, "unsupported_content")
    return str(part["text"])


def item_said(item: dict[str, Any], index: int) -> tuple[str, str]:
    """(role, text) of one input item; items other than messages are refused."""
    where = f"input[{index}]"
    kind = item.get("type", "message")
    if kind != "message" or item.get("role") not in SAID_BY:
        shown = kind if kind != "message" else f"message with role {item.get('role')!r}"
        raise bad_request(f"Only message items (user, assistant, system, developer) are "
                          f"supported; {where} is a {shown}.", where, "unsupported_content")
    content = item.get("content")
    if isinstance(content, str):
        return item["role"], content
    if not isinstance(content, list):
        raise bad_request(f"Invalid value for '{where}.content': a string or a list of "
                          "parts.", f"{where}.content", "invalid_value")
    texts = [part_text(p, f"{where}.content[{j}]") for j, p in enumerate(content)]
    return item["role"], "\n".join(texts)


def ask(request: ResponsesRequest) -> Ask:
    """The new user message (the last input item) and the user/assistant items before it."""
    if isinstance(request.input, str):
        said = [("user", request.input)]
    else:
        said = [item_said(item, i) for i, item in enumerate(request.input)]
    if not said or said[-1][0] != "user" or not said[-1][1].strip():
        raise bad_request("The last input item must be a user message with text.", "input",
                          "invalid_value")
    history = [Shown(r, t) for r, t in said[:-1]  # type: ignore[arg-type]
               if r in ("user", "assistant") and t.strip()]
    return Ask(model=request.model, text=said[-1][1], history=history,
               previous_response_id=request.previous_response_id, store=request.store,
               stream=request.stream, user=request.user)
