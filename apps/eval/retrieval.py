"""``bot eval retrieval``: how well each retrieval configuration finds the answering page.

Every configuration (dense, lexical, hybrid, hybrid without the identifier boost, and
hybrid+rerank when a reranker model is set) searches the same collection for every
question, through the very :class:`~knowledge.search.Searcher` the search tool uses, with
the same embedder. A question whose expected source is not in the collection is reported
as such and left out of the scores (it would only measure the questions file).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apps.eval.retrieval_data import QuestionSet, RetrievalQuestion
from apps.eval.retrieval_metrics import (
    Retrieved,
    Scores,
    first_relevant_ranks,
    score,
    source_matches,
)
from bot.report_viewer import ReportViewer
from contracts.access import Principal

if TYPE_CHECKING:
    from config import Settings

NO_RERANKER = "no reranker model: set kb.rerank_model or pass --rerank-model"


@dataclass(frozen=True)
class Configuration:
    name: str
    kb: dict[str, Any]  # overrides of the [kb] settings
    note: str = ""  # why it was not run, when it was not


def configurations(rerank_model: str | None) -> list[Configuration]:
    base = {"rerank_model": None}
    return [
        Configuration("dense", {**base, "retrieval": "dense"}),
        Configuration("lexical", {**base, "retrieval": "lexical"}),
        Configuration("hybrid", {**base, "retrieval": "hybrid"}),
        Configuration("hybrid, no identifier boost",
                      {**base, "retrieval": "hybrid", "identifier_weight": 0.0}),
        Configuration("hybrid, no term coverage",
                      {**base, "retrieval": "hybrid", "coverage_weight": 0.0}),
        Configuration("hybrid, no page fusion",
                      {**base, "retrieval": "hybrid", "page_weight": 0.0}),
        Configuration("hybrid, two passages per file",
                      {**base, "retrieval": "hybrid", "max_per_source": 2}),
        Configuration("hybrid+rerank", {"retrieval": "hybrid", "rerank_model": rerank_model},
                      "" if rerank_model else NO_RERANKER),
    ]


@dataclass
class QuestionResult:
    question: RetrievalQuestion
    retrieved: list[Retrieved] = field(default_factory=list)
    scores: Scores = field(default_factory=lambda: Scores(0.0, 0.0, 0.0))
    ms: float = 0.0


@dataclass
class ConfigResult:
    config: Configuration
    results: list[QuestionResult] = field(default_factory=list)

    def mean(self, metric: str) -> float:
        values = [getattr(r.scores, metric) for r in self.results]
        return sum(values) / len(values) if values else 0.0

    @property
    def misses(self) -> list[QuestionResult]:
        return [r for r in self.results if r.scores.hit == 0]


@dataclass
class RetrievalReport:
    data: str
    collection: str
    k: int
    configs: list[ConfigResult]
    missing_sources: list[RetrievalQuestion]
    questions: int


def run_retrieval_eval(
    settings: Settings,
    data: QuestionSet,
    *,
    data_name: str,
    k: int = 4,
    collection: str | None = None,
    rerank_model: str | None = None,
    embedder: Any = None,
    viewer: Principal | None = None,
) -> RetrievalReport:
    """Search every question with every configuration; scores, misses, missing sources.
    With a ``viewer``, as they would search: a source they may not read is "not in the
    collection", exactly as one that is absent."""
    from knowledge.embedder import build_embedder, embedder_name
    from knowledge.store import KnowledgeStore

    name = collection or data.collection or settings.kb.collection
    embedder = embedder or build_embedder(settings)
    store = KnowledgeStore.open(settings, embedder.name or embedder_name(settings),
                                collection=name, create=False)
    shown = ReportViewer(settings.model_copy(update={"kb": settings.kb.model_copy(
        update={"collection": name})}), viewer)
    sources = sorted({s.source for s in store.manifest().values() if shown.source(s.source)})
    present = {q.id: [e for e in q.source if any(source_matches(s, e) for s in sources)]
               for q in data.questions}
    asked = [q for q in data.questions if present[q.id]]
    results = []
    for config in configurations(rerank_model or settings.kb.rerank_model):
        result = ConfigResult(config)
        if not config.note:
            searcher = _searcher(settings, config, embedder, name)
            result.results = [_ask(searcher, q, len(present[q.id]), k, viewer)
                              for q in asked]
        results.append(result)
    missing = [q for q in data.questions if not present[q.id]]
    return RetrievalReport(data_name, name, k, results, missing, len(data.questions))


def _searcher(settings: Settings, config: Configuration, embedder: Any, collection: str) -> Any:
    from knowledge.search import Searcher

    kb = settings.kb.model_validate({**settings.kb.model_dump(), **config.kb})
    return Searcher(settings.model_copy(update={"kb": kb}), embedder=embedder,
                    collection=collection)


def _ask(searcher: Any, q: RetrievalQuestion, relevant: int, k: int,
         viewer: Principal | None = None) -> QuestionResult:
    started = time.perf_counter()
    passages = searcher.search(q.question, top_k=k, principal=viewer)
    ms = (time.perf_counter() - started) * 1000
    retrieved = [Retrieved(p.source, p.heading) for p in passages]
    ranks = first_relevant_ranks(retrieved, q.source, q.heading, k)
    return QuestionResult(q, retrieved, score(ranks, relevant, k), ms)


def ran(report: RetrievalReport) -> Sequence[ConfigResult]:
    return [c for c in report.configs if not c.config.note]
