"""A small model's answer, shown sentence by sentence only where a passage supports it.

Each sentence (list item, code block) is checked once it is complete (agents/support.py):
a supported one is shown at once, citing the passage that supports it; any other is
dropped and logged. When nothing substantive survives, the answer is the documents' own
words instead (agents/extractive.py). So the text streams a sentence at a time, and no
sentence the passages do not support is ever shown as the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import structlog

from agents.extractive import extractive_answer
from agents.sentences import SentenceSplitter
from agents.support import Evidence, Verdict, check_sentence
from agents.wording import FENCE_MARK
from bot.events import Source

log = structlog.get_logger("agents.checked_answer")
_CITATIONS = re.compile(r"\s*\[\d{1,2}\]")
_TAIL = re.compile(r"([.!?:;,]*)(\s*)$")


class CheckedAnswer:
    """Feed the model's text as it streams; show what ``feed`` and ``finish`` return."""

    def __init__(self, question: str, sources: Sequence[Source], min_share: float) -> None:
        self.question = question
        self.sources = list(sources)
        self.evidence = [Evidence.of(s) for s in sources]
        self.min_share = min_share
        self.splitter = SentenceSplitter()
        self.cited: dict[int, Source] = {}
        self.shown = ""
        self.dropped: list[str] = []
        self.substantive = 0

    def feed(self, text: str) -> str:
        """The text to show now: the sentences completed by ``text`` that passed."""
        return self._show(self.splitter.feed(text))

    def finish(self, cut_short: bool = False) -> str:
        """The last sentence if it passes (not when the model was cut off mid-sentence),
        then the documents' own words if no substantive sentence passed."""
        last = self.splitter.close()
        text = self._show([] if cut_short else last)
        if cut_short and last:
            self.dropped.extend(last)
        if self.substantive == 0:
            quoted, used = extractive_answer(self.question, self.sources)
            text += ("\n\n" if self.shown.strip() else "") + quoted
            self.shown += quoted
            self.cited.update((s.n, s) for s in used)
        log.info("answer_checked", shown=self.substantive, dropped=len(self.dropped),
                 extractive=self.substantive == 0)
        return text

    def shown_sources(self) -> list[Source]:
        """The passages the shown text cites, in citation order."""
        return [self.cited[n] for n in sorted(self.cited)]

    def _show(self, units: list[str]) -> str:
        out = ""
        for unit in units:
            verdict = check_sentence(unit, self.evidence, self.min_share)
            if not verdict.supported:
                self.dropped.append(unit)
                log.debug("sentence_dropped", share=round(verdict.share, 2), text=unit[:200])
                continue
            out += self._cite(unit, verdict)
        self.shown += out
        return out

    def _cite(self, unit: str, verdict: Verdict) -> str:
        """The unit citing the passage that supports it (code blocks keep their form)."""
        if verdict.substantive:
            self.substantive += 1
        if verdict.source is None or not verdict.substantive:
            return _CITATIONS.sub("", unit)
        self.cited[verdict.source.n] = verdict.source
        if unit.lstrip().startswith(FENCE_MARK):
            return unit
        clean = _CITATIONS.sub("", unit)
        tail = _TAIL.search(clean)
        if tail is None:  # cannot happen: the pattern matches the end of any string
            return clean
        return f"{clean[: tail.start()]} [{verdict.source.n}]{tail.group(1)}{tail.group(2)}"
