"""A small model's answer, shown sentence by sentence only where a passage supports it.

Each sentence (list item, code block) is checked once it is complete (agents/support.py):
a supported one is shown at once, citing the passage that supports it; any other is
dropped and logged; after a few in a row the model is stopped, as what follows is rarely
better. The first supported sentence waits for a second one: a lone sentence that passes
is most often the passage's words recombined into something it does not say ("The model
that makes the chat run is Gradio-based"), so an answer with fewer than
``MIN_SENTENCES`` supported sentences is the documents' own words instead
(agents/extractive.py). So the text streams a sentence at a time, and no
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
from contracts.events import Source

log = structlog.get_logger("agents.checked_answer")
_CITATIONS = re.compile(r"\s*\[\d{1,2}\]")
_TAIL = re.compile(r"([.!?:;,]*)(\s*)$")
GIVE_UP_AFTER = 3  # failed sentences in a row before the model is stopped
MIN_SENTENCES = 2  # supported sentences an answer of the model's own needs


class CheckedAnswer:
    """Feed the model's text as it streams; show what ``feed`` and ``finish`` return."""

    def __init__(
        self, question: str, sources: Sequence[Source], min_share: float,
        pool: Sequence[Source] = (),
        more: Sequence[Source] = (),
    ) -> None:
        self.question = question
        self.sources = list(sources)
        self.pool = list(pool)  # more passages a quote may use (not the model's)
        self.more = list(more)  # other sections of their files: a quote's next step
        self.evidence = [Evidence.of(s) for s in sources]
        self.min_share = min_share
        self.splitter = SentenceSplitter()
        self.cited: dict[int, Source] = {}
        self.shown = ""
        self.dropped: list[str] = []
        self.substantive = 0
        self._held: list[tuple[str, Verdict]] = []  # passed, but say nothing on their own
        self._failed_in_a_row = 0

    @property
    def hopeless(self) -> bool:
        """Several sentences in a row failed: the rest is not worth waiting for."""
        return self._failed_in_a_row >= GIVE_UP_AFTER

    def feed(self, text: str) -> str:
        """The text to show now: the sentences completed by ``text`` that passed."""
        return self._show(self.splitter.feed(text))

    def finish(self, cut_short: bool = False) -> str:
        """The last sentence if it passes (not when the model was cut off mid-sentence),
        then the documents' own words if fewer than MIN_SENTENCES substantive ones passed."""
        last = self.splitter.close()
        text = self._show([] if cut_short else last)
        if cut_short:
            self.dropped.extend(last)
        self._held = []  # a lone sentence, or a lead-in after the last one shown
        extra = ""
        if self.substantive < MIN_SENTENCES:
            extra, used = extractive_answer(self.question, self.sources, self.pool, self.more)
            self.cited.update((s.n, s) for s in used)
        self.shown += extra
        text += extra
        log.info("answer_checked", passed=self.substantive, dropped=len(self.dropped),
                 extractive=self.substantive < MIN_SENTENCES)
        return text

    def shown_sources(self) -> list[Source]:
        """The passages the shown text cites, in citation order."""
        return [self.cited[n] for n in sorted(self.cited)]

    def _show(self, units: list[str]) -> str:
        """The units that pass; those that say nothing wait for one that says something."""
        out = ""
        for unit in units:
            verdict = check_sentence(unit, self.evidence, self.min_share)
            if not verdict.supported:
                self._failed_in_a_row += 1
                self.dropped.append(unit)
                log.debug("sentence_dropped", share=round(verdict.share, 2), text=unit[:200])
            elif not verdict.substantive:
                self._held.append((unit, verdict))
            else:
                self.substantive += 1
                self._failed_in_a_row = 0
                if self.substantive < MIN_SENTENCES:  # not shown alone: see the module doc
                    self._held.append((unit, verdict))
                else:
                    out += self._release() + self._cite(unit, verdict)
        self.shown += out
        return out

    def _release(self) -> str:
        text = "".join(self._cite(unit, verdict) for unit, verdict in self._held)
        self._held = []
        return text

    def _cite(self, unit: str, verdict: Verdict) -> str:
        """The unit citing the passage that supports it (code blocks keep their form)."""
        clean = _CITATIONS.sub("", unit)
        if verdict.source is None:
            return clean
        self.cited[verdict.source.n] = verdict.source
        tail = _TAIL.search(clean)
        if unit.lstrip().startswith(FENCE_MARK) or tail is None:
            return clean
        return f"{clean[: tail.start()]} [{verdict.source.n}]{tail.group(1)}{tail.group(2)}"
