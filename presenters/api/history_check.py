"""The history a client sends, held to the same rules as its new message before it is stored.

A client resends the whole chat with each request, and what it shows is adopted into the
store (:mod:`bot.transcript`). So each earlier message is cleaned like the user's turn
(control characters and terminal escapes removed) and bounded: a user message by
``input.max_chars``, an assistant message (the client's copy of an answer, which carries
the sources the bot appended) by ``ANSWER_FACTOR`` times that, and the count by
``api.max_history_messages``.
"""

from __future__ import annotations

from dataclasses import replace

from bot.input_guard import InputTooLong, clean_input
from bot.transcript import Shown
from presenters.api.errors import ApiError, bad_request
from presenters.api.request import ChatRequest, Question, text_of

ANSWER_FACTOR = 4


def checked_history(request: ChatRequest, q: Question, max_chars: int,
                    max_messages: int) -> Question:
    """``q`` with its history cleaned; :class:`ApiError` 400 naming the message too long or
    the setting a too-long conversation exceeds."""
    shown: list[Shown] = []
    for i, message in enumerate(request.messages[:-1]):
        if message.role in ("user", "assistant"):
            limit = max_chars if message.role == "user" else ANSWER_FACTOR * max_chars
            text = _cleaned(text_of(message, i), limit, i)
            if text:
                shown.append(Shown(message.role, text))  # type: ignore[arg-type]
    if len(shown) > max_messages:
        raise bad_request(
            f"The request carries {len(shown):,} earlier messages; the limit is "
            f"{max_messages:,} (api.max_history_messages). Start a new chat, or send only the "
            "new message with the X-Bot-Conversation header.", "messages", "too_many_messages")
    return replace(q, history=shown)


def _cleaned(text: str, limit: int, index: int) -> str:
    try:
        return clean_input(text, limit)
    except InputTooLong as exc:
        raise _too_long(exc, index) from exc


def _too_long(exc: InputTooLong, index: int) -> ApiError:
    return bad_request(f"messages[{index}] is {exc.length:,} characters; the limit is "
                       f"{exc.limit:,} (input.max_chars). Shorten it or start a new chat.",
                       f"messages[{index}].content", "message_too_long")
