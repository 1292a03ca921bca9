"""The conversation as the model sees it: newest turns that fit the context budget."""

from __future__ import annotations

from contracts.llm import TokenCounter, approx_tokens
from contracts.messages import ChatMessage
from contracts.store import TurnRecord


def trim_history(
    turns: list[TurnRecord], budget: int, count: TokenCounter = approx_tokens
) -> list[ChatMessage]:
    """The newest turns whose text fits in ``budget`` tokens, oldest first.

    Failed answers (error with no text) are left out: the model should not imitate them;
    so are questions a budget refused, which no model saw and nobody answered.
    """
    kept: list[ChatMessage] = []
    used = 0
    for turn in reversed(turns):
        if turn.refused or (turn.role == "assistant" and not turn.text.strip()):
            continue
        cost = count(turn.text) + 4
        if used + cost > budget:
            break
        used += cost
        kept.append(ChatMessage(role=turn.role, content=turn.text))
    kept.reverse()
    while kept and kept[0].role == "assistant":
        kept.pop(0)
    return kept
