"""The world the presenter leak probes run in: documents with unique canaries and random
readers in a real Chroma and FTS5 index, users in random groups, and a model that searches
for each question and then repeats every canary it was given (the system prompt, the
history, the tool results), so a leak to the model shows in the answer a presenter renders.
Shared by ``benchmarks/access_probes.py`` and its CI-sized test."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backends.scripted import FunctionLLM, Reply, ScriptedToolCall
from config import Settings, load_settings
from contracts.access import Principal, may_read
from contracts.llm import LLMRequest
from tests.kb.access_corpus import SUBJECTS, Doc, ProbeWorld, ingest_world, make_world

CANARY = re.compile(r"CANARY[0-9a-f]{8}")
CHANNEL = "C0PROBE"  # the Slack channel the world's slack-channel reader names


def probe_answer(request: LLMRequest) -> Reply:
    """Search for the question; once the results are in, repeat every canary seen."""
    last = request.messages[-1]
    if last.role == "user":
        call = ScriptedToolCall(name="search_knowledge", arguments={"query": last.content})
        return Reply(tool_calls=[call])
    seen = dict.fromkeys(CANARY.findall(" ".join(m.content for m in request.messages)))
    return Reply(text="Seen: " + (" ".join(seen) or "nothing"))


def probe_llm() -> FunctionLLM:
    return FunctionLLM(probe_answer, profile="scripted")


@dataclass
class Tally:
    """One presenter's probes: asked, leaked, and the authorised askers' recall."""

    presenter: str
    probes: int = 0
    leaks: int = 0
    seconds: float = 0.0
    leaked: list[str] = field(default_factory=list)
    authorised: list[Doc] = field(default_factory=list)  # asked by someone who may read it
    found: int = 0

    def add(self, world: ProbeWorld, asker: Principal, doc: Doc, output: str) -> None:
        """One probe: ``asker`` asked about ``doc`` and saw ``output``."""
        self.probes += 1
        bad = {c for c in CANARY.findall(output) if not may_read(readers_of(world, c), asker)}
        self.leaks += len(bad)
        self.leaked += sorted(bad)[:3]
        if may_read(doc.readers, asker):
            self.authorised.append(doc)
            self.found += doc.canary in output


def readers_of(world: ProbeWorld, canary: str) -> list[str]:
    """The readers of the document carrying ``canary`` (nobody: not a document's canary)."""
    return next((d.readers for d in world.docs if d.canary == canary), ["nobody"])


Conversation = tuple[str, list[Doc]]  # one asker, the documents asked about in turn


@dataclass
class Probes:
    """The probe world on disk: settings with ``[access]`` on, the world, the asking plan."""

    world: ProbeWorld
    settings: Settings
    rng: random.Random

    def conversations(self, probes: int, turns: int) -> list[Conversation]:
        """Conversations of ``turns`` questions (the first new, the rest continued), about
        ``probes`` questions in all: half about a restricted document the asker may read,
        half about one they may not."""
        chosen = []
        for _ in range(max(1, -(-probes // turns))):  # rounded up
            user = self.rng.choice(self.world.users)
            mine, other = self._split(user)
            chosen.append((user, [self.rng.choice(mine if self.rng.random() < 0.5 else other)
                                  for _ in range(turns)]))
        return chosen

    def _split(self, user: str) -> tuple[list[Doc], list[Doc]]:
        """The restricted documents ``user`` may read (public ones when none), and the rest."""
        me = self.world.principal(user)
        mine = [d for d in self.world.docs if may_read(d.readers, me) and d.readers != ["public"]]
        other = [d for d in self.world.docs if not may_read(d.readers, me)]
        return mine or [d for d in self.world.docs if d.readers == ["public"]], other

    def principal(self, user: str, *extra: str) -> Principal:
        """``user`` with their configured groups, and ``extra`` grants (a channel)."""
        person = self.world.principal(user)
        return Principal(person.id, person.groups, extra=extra)


def build(root: Path, seed: int = 7, n_docs: int = 48, embedder: Any = None,
          crowd: int = 1) -> Probes:
    """Ingest the world's documents into ``root/data`` and give each its readers. With
    ``crowd`` > 1, that many documents share each subject (and so each question): an
    unfiltered top 4 then holds only some of them, where a filtered one is drawn from those
    the asker may read."""
    from tests.kb.helpers import shared_minilm

    embedder = embedder or shared_minilm()
    world = make_world(n_docs=n_docs, n_users=8, n_groups=4, seed=seed)
    for i, doc in enumerate(world.docs if crowd > 1 else []):
        doc.subject = SUBJECTS[i // crowd % len(SUBJECTS)]
    (root / "data").mkdir(parents=True, exist_ok=True)
    settings = load_settings(data_dir=root / "data", tools=["search_knowledge"], agent="tools",
                             kb={"min_score": -1.0}, access=world.access().model_dump())
    ingest_world(world, settings, root / "docs", embedder)
    return Probes(world, settings, random.Random(seed))


def search_tool(settings: Settings) -> dict[str, Any]:
    """The real search tool over the probe index (one embedder for the process)."""
    from knowledge.search import Searcher
    from tests.kb.helpers import shared_minilm
    from tools.search_knowledge import SearchKnowledge

    return {"search_knowledge": SearchKnowledge(Searcher(settings, embedder=shared_minilm()))}


def unfiltered_found(probes: Probes, docs: list[Doc]) -> int:
    """How often an unfiltered search has each of ``docs`` in its top 4 for its question:
    the baseline the authorised askers' recall through the presenters is compared with."""
    from knowledge.search import Searcher
    from tests.kb.helpers import shared_minilm

    searcher = Searcher(probes.settings, embedder=shared_minilm())
    top: dict[str, bool] = {}
    for doc in docs:
        if doc.name not in top:
            hits = searcher.search(doc.question(), 4, -1.0)
            top[doc.name] = any(doc.canary in h.text for h in hits)
    return sum(top[d.name] for d in docs)
