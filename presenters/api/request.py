"""A chat completion request: read within the size limit, checked, and turned into a question.

Accepted and ignored (the bot answers with its own model settings and tools):
``temperature``, ``top_p``, ``max_tokens``, ``max_completion_tokens``, ``stop``, ``seed``,
``tools``, ``tool_choice``, ``response_format`` and any other field. System and developer
messages are ignored too: the bot keeps its own system prompt. Refused: ``n`` above 1,
non-text content parts, a conversation that does not end with a user message.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.transcript import Shown
from presenters.api.errors import ApiError, bad_request, too_large


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class WireMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """The fields of ``POST /v1/chat/completions`` the bot reads."""

    model_config = ConfigDict(extra="allow")

    model: str
    messages: list[WireMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    # shown to operators (bot stats, logs): no control characters (terminal escapes)
    user: str | None = Field(None, max_length=256, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$")
    n: int | None = Field(None, ge=1, le=1)


Request = TypeVar("Request", bound=BaseModel)


@dataclass(frozen=True)
class Question:
    """What the bot answers: the new user message and the conversation the client shows."""

    model: str
    text: str
    history: list[Shown]
    first_user_text: str
    stream: bool
    include_usage: bool
    user: str | None


async def read_body(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """The whole body, refused (413) as soon as it is known to exceed ``limit`` bytes."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    body, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        body.append(chunk)
    return b"".join(body)


def parse(body: bytes) -> ChatRequest:
    """The request, or :class:`ApiError` 400 naming the bad parameter."""
    return parse_as(body, ChatRequest)


def parse_as(body: bytes, shape: type[Request]) -> Request:
    """A request of ``shape`` (chat completion, Responses), or 400 naming the bad parameter."""
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise bad_request(f"We could not parse the JSON body of your request ({exc.msg} at "
                          f"line {exc.lineno}, column {exc.colno}). Send valid JSON.",
                          code="invalid_json") from exc
    except UnicodeDecodeError as exc:
        raise bad_request("The request body is not UTF-8 text. Send JSON in UTF-8.",
                          code="invalid_json") from exc
    except (RecursionError, ValueError) as exc:  # nesting too deep; an int of 4,300+ digits
        raise bad_request("The JSON body nests too deeply or holds a number too long to "
                          "read. Send plain chat messages.", code="invalid_json") from exc
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.", code="invalid_json")
    try:
        return shape.model_validate(data)
    except ValidationError as exc:
        raise _refusal(exc) from exc


def _refusal(exc: ValidationError) -> ApiError:
    errors = exc.errors()
    first = errors[0]
    # a value that fits no member of a union fails once per member, each with the member's
    # name at the end of its location: name the field, not the member
    near = [e for e in errors if e["loc"][:-1] == first["loc"][:-1]]
    param = _param(first["loc"][:-1] if len(near) > 1 else first["loc"])
    if first["type"] == "missing":
        return bad_request(f"Missing required parameter: '{param}'.", param,
                           "missing_required_parameter")
    return bad_request(f"Invalid value for '{param}': {first['msg']}.", param,
                       "invalid_value")


def _param(loc: tuple[Any, ...]) -> str:
    """``("messages", 2, "role")`` -> ``messages[2].role``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def text_of(message: WireMessage, index: int) -> str:
    """A message's text: the string, or its text parts joined; other parts are refused."""
    if message.content is None or isinstance(message.content, str):
        return message.content or ""
    texts = []
    for part in message.content:
        if part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise bad_request(f"Only text content is supported; messages[{index}] has a "
                              f"{part.get('type')!r} part.", f"messages[{index}].content",
                              "unsupported_content")
        texts.append(part["text"])
    return "\n".join(texts)


def question(request: ChatRequest) -> Question:
    """The new user message (the last message) and the user/assistant turns before it."""
    said = [(m.role, text_of(m, i)) for i, m in enumerate(request.messages)]
    role, text = said[-1]
    if role != "user" or not text.strip():
        raise bad_request("The last message must be a user message with text.", "messages",
                          "invalid_value")
    history = [Shown(r, t) for r, t in said[:-1] if r in ("user", "assistant") and t.strip()]
    first = next(t for r, t in said if r == "user" and t.strip())
    usage = bool(request.stream_options and request.stream_options.include_usage)
    return Question(model=request.model, text=text, history=history,  # type: ignore[arg-type]
                    first_user_text=first, stream=request.stream, include_usage=usage,
                    user=request.user)
