"""The answer extractor: which allowed label a verbose reply gives, or ``other``.

A reply in the fixed shape (``{"label": …}``, asked for by :mod:`judging.verdict_shape`) is
read as it stands; deterministic rules next (:func:`extract_label`); only when they cannot
tell, one call to the ``extractor`` role with the extractor prompt, itself asked for the
fixed shape. The result says which path decided, so callers (the pipeline router, the
pairwise judge, ``bot eval``) can report how often the cheap paths were enough.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import structlog

from contracts.llm import LLMRequest
from contracts.llm_errors import LLMError
from contracts.messages import ChatMessage
from contracts.run_context import Completer, Prompts
from judging.label_rules import extract_label
from judging.verdict_shape import complete_shaped, label_shape, shaped_label

OTHER = "other"
ExtractionPath = Literal["constrained", "deterministic", "llm", "none"]
log = structlog.get_logger("judging.extractor")

__all__ = ["OTHER", "AnswerExtractor", "Extraction", "extract_label"]


@dataclass(frozen=True)
class Extraction:
    """The label found (``"other"`` when none) and which path decided it.

    ``path`` is ``constrained`` (the reply came in the fixed shape), ``deterministic`` (the
    rules), ``llm`` (the extractor model) or ``none`` (none could tell). ``llm_used`` is
    true whenever the model was asked, even in vain.
    """

    label: str
    path: ExtractionPath
    llm_used: bool = False
    llm_reply: str = ""
    error: str = ""

    @property
    def decided(self) -> bool:
        return self.path != "none"


class AnswerExtractor:
    """Finds the label in a reply; asks the ``extractor`` role only when the rules cannot.

    ``on_error="raise"`` lets an :class:`LLMError` from the fallback call propagate (the eval
    harness retries transient ones); ``"other"`` turns it into an undecided result.
    """

    def __init__(
        self,
        prompts: Prompts,
        *,
        role: str = "extractor",
        use_llm: bool = True,
        on_error: Literal["raise", "other"] = "raise",
        max_chars: int = 3000,
    ) -> None:
        self.prompts = prompts
        self.role = role
        self.use_llm = use_llm
        self.on_error = on_error
        self.max_chars = max_chars

    async def extract(
        self, text: str, labels: Sequence[str], llm: Completer | None = None, question: str = "",
        echoes: Mapping[str, str] | None = None,
    ) -> Extraction:
        """The label ``text`` gives; ``llm`` (a TurnContext or MeteredCompleter) is the fallback.

        ``echoes`` (label -> the text it stands for) lets a reply that repeats one candidate
        count as choosing it.
        """
        if (shaped := shaped_label(text, labels)) is not None:
            return Extraction(shaped, "constrained")
        found = extract_label(text, labels, echoes)
        if found is not None:
            return Extraction(found, "deterministic")
        if llm is None or not self.use_llm or not text.strip():
            return Extraction(OTHER, "none")
        try:
            reply = await complete_shaped(llm, self.role, self.request(text, labels, question))
        except LLMError as exc:
            if self.on_error == "raise":
                raise
            log.warning("extractor_llm_failed", error_type=type(exc).__name__)
            return Extraction(OTHER, "none", llm_used=True, error=type(exc).__name__)
        found = shaped_label(reply.text, labels) or extract_label(reply.text, labels)
        path: ExtractionPath = "llm" if found is not None else "none"
        return Extraction(found or OTHER, path, llm_used=True, llm_reply=reply.text)

    def request(self, text: str, labels: Sequence[str], question: str = "") -> LLMRequest:
        """The extractor prompt for ``text``: a short, deterministic completion."""
        prompt = self.prompts.render(
            "extractor",
            labels=", ".join(labels),
            question=f"The question was: {question}\n" if question else "",
            text=self._clip(text),
        )
        return LLMRequest(messages=[ChatMessage.user(prompt)], temperature=0.0, max_tokens=16,
                          answer_shape=label_shape(labels, "label"))

    def _clip(self, text: str) -> str:
        """Long replies keep their head and tail: answers sit at one end or the other."""
        if len(text) <= self.max_chars:
            return text
        half = self.max_chars // 2
        return f"{text[:half]}\n[…]\n{text[-half:]}"
