"""Function backends for eval tests: judges with known behaviour, found by "module:attr".

Items made by :func:`pairs` mark the correct candidate with ``TRUE-<n>`` and the incorrect
one with ``FALSE-<n>``, so a judge can "know" the answer from the prompt alone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from contracts.llm import LLMRequest
from contracts.llm_errors import LLMAuthError, LLMServerError


def pairs(n: int) -> list[dict[str, str]]:
    return [{"id": f"item-{i}", "article_sent": f"Context {i} says the sky is blue.",
             "correct_sent": f"TRUE-{i}: the sky is blue.",
             "incorrect_sent": f"FALSE-{i}: the sky is green."} for i in range(n)]


def write_pairs(path: Path, n: int, jsonl: bool = False) -> Path:
    items = pairs(n)
    text = "\n".join(json.dumps(i) for i in items) if jsonl else json.dumps(items)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _prompt(request: LLMRequest) -> str:
    return request.messages[-1].content


def _correct_letter(request: LLMRequest) -> str:
    match = re.search(r"Candidate A:\s*(\S+)", _prompt(request))
    return "A" if match and match.group(1).startswith("TRUE") else "B"


def correct_judge(request: LLMRequest) -> str:
    """Always picks the TRUE candidate, with the letter on the last line."""
    return f"Both are short.\nAnswer: {_correct_letter(request)}"


def verbose_correct_judge(request: LLMRequest) -> str:
    """Right, but buries the letter the way real models do."""
    right = _correct_letter(request)
    wrong = "B" if right == "A" else "A"
    return (f"The correct answer is {right}: it repeats the context. Summary {wrong} is "
            "inconsistent because it changes the colour.")


def extractor_needed_judge(request: LLMRequest) -> str:
    """The judge role hedges unreadably; the extractor role says which candidate it meant."""
    if request.role == "extractor":
        return "A" if "keeps the colour" in _prompt(request) else "B"
    trusted = "Hmm, I trust the one that keeps the colour."
    return trusted if _correct_letter(request) == "A" else "Hmm."


_calls: dict[str, int] = {}


def flaky_judge(request: LLMRequest) -> str:
    """Every prompt fails once with a transient server error, then is answered correctly."""
    key = _prompt(request)
    _calls[key] = _calls.get(key, 0) + 1
    if _calls[key] == 1:
        raise LLMServerError("503 from upstream", profile="flaky")
    return correct_judge(request)


def broken_on_item_2(request: LLMRequest) -> str:
    """A persistent (non-retryable) failure on one item only."""
    if "Context 2 " in _prompt(request):
        raise LLMAuthError("key revoked", profile="broken")
    return correct_judge(request)


async def slow_correct_judge(request: LLMRequest) -> str:
    """Correct, after ``EVAL_JUDGE_DELAY_S`` seconds (for kill-and-resume tests)."""
    import asyncio
    import os

    await asyncio.sleep(float(os.environ.get("EVAL_JUDGE_DELAY_S", "0")))
    return correct_judge(request)


in_flight = {"now": 0, "max": 0}


async def counting_judge(request: LLMRequest) -> str:
    """Correct, and records the most judge calls ever in flight at once."""
    import asyncio

    in_flight["now"] += 1
    in_flight["max"] = max(in_flight["max"], in_flight["now"])
    try:
        await asyncio.sleep(0.01)
        return correct_judge(request)
    finally:
        in_flight["now"] -= 1


def chat_bot_reply(request: LLMRequest) -> str:
    """A primary model for ``bot eval chat`` tests: right about arithmetic, polite otherwise."""
    question = [m.content for m in request.messages if m.role == "user"][-1]
    if "17 times 23" in question:
        return "17 × 23 = 391."
    if "breakfast" in question:
        return "I don't know what you had for breakfast."
    return "Hello! I am bot, an assistant for your team."


def always_down(request: LLMRequest) -> str:
    """A backend that is down for good (a transient error every time)."""
    raise LLMServerError("503 from upstream", profile="down")


def shaped_judge(request: LLMRequest) -> str:
    """Right in the fixed shape when asked for it; otherwise a preference a person reads at a
    glance but the rules do not ("I'd trust the ferry one"), which needs the extractor."""
    right = _correct_letter(request)
    if request.answer_shape is not None:
        return json.dumps({"label": right})
    if request.role == "extractor":
        return right
    return "Hmm, I'd trust the one that keeps the colour." if right == "A" else "Hmm."
