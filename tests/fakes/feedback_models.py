"""Models for ``bot eval feedback`` tests: an improved bot, and judges of new vs old answers."""

from __future__ import annotations

import re

from contracts.llm import LLMRequest

IMPROVED = "The VPN policy is in the security handbook, section 4."


def improved_answer(request: LLMRequest) -> str:
    """The configuration under test: now it knows where the VPN policy is."""
    return IMPROVED


def prefers_the_handbook(request: LLMRequest) -> str:
    """A judge that picks the candidate naming the security handbook, in prose."""
    prompt = request.messages[-1].content
    a = re.search(r"Candidate A:\n(.*?)\n\nCandidate B:", prompt, re.S)
    letter = "A" if a and "security handbook" in a.group(1) else "B"
    second = "first" if letter == "A" else "second"
    return f"The {second} one is better: it points to the right document."
