"""A random history of questions, answers, ratings and undos, written through a real store
at chosen times (the store's clock), for comparing the rollups with the raw rows.

Times spread over three months and land on the edges that matter on purpose: exactly at
midnight and at the first of a month, and a microsecond before. Answers come from several
places (Slack threads and channels, Gradio, the terminal, the API), users (one unknown)
and models (one failed answer reaches none); some searched and found nothing, some cite
sources (a source twice), some failed, some have no latency. Questions name the space they
were asked in, and now and then a budget refuses one (stored, flagged, never answered).
Ratings come later than their answer, sometimes twice, with both signs or a 0 (a 👍 later
turned 👎); some land on questions or are undone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from contracts.events import Source
from contracts.store import AssistantTurn, Store
from stores.usage_days import DAY_S, next_month

START = 20_116 * DAY_S  # 2025-01-28 00:00 UTC: the history crosses three month ends
DAYS = 75
KEYS = ["slack:T1:C1:1700000000.000100", "slack:T1:C1:1700000001.000200",
        "slack:T1:C2:1700000002.000300", "gradio:session-aaaa", "gradio:session-bbbb",
        "stdio:1", "api:ci-key"]
USERS = ["ada", "bob", "cy", None]
MODELS = ["gpt-4o-mini", "llama-3.1-8b", None]
QUESTIONS = ["How do I connect Slack?", "What is the VPN policy?", "Where are the logs?",
             "Who approves budgets?" * 20]  # a long one: cut to 200 characters
SPACES = {"slack": "slack:C1", "gradio": "gradio:ada", "stdio": "terminal", "api": "api:ci-key"}
DOCS = ["docs/slack.md", "docs/budgets.md", "docs/logs.md", "docs/ünïcode.md"]
SEARCH = [{"id": "c1", "name": "search_knowledge", "arguments": {"query": "x"}}]


@dataclass
class Clock:
    """The store's clock: whatever time the history is at."""

    now: float = START

    def __call__(self) -> float:
        return self.now


@dataclass
class History:
    """What was written: answer ids with their times, and question ids."""

    answers: list[tuple[int, float, str]] = field(default_factory=list)
    questions: list[int] = field(default_factory=list)


def edge_times(rng: random.Random) -> list[float]:
    """Midnights and month starts inside the history, exactly and a microsecond before."""
    days = [20_116 + rng.randrange(DAYS) for _ in range(4)]
    months = [next_month(20_116), next_month(next_month(20_116))]
    return [t for d in days + months for t in (d * DAY_S, d * DAY_S - 1e-6)]


def a_time(rng: random.Random, edges: list[float]) -> float:
    return rng.choice(edges) if rng.random() < 0.15 else START + rng.random() * DAYS * DAY_S


def answer(rng: random.Random, user: str | None) -> AssistantTurn:
    failed, searched, found = rng.random() < 0.1, rng.random() < 0.5, rng.random() < 0.6
    docs = rng.sample(DOCS, rng.randint(1, 3)) if searched and found else []
    sources = [Source(n=i + 1, source=d) for i, d in enumerate(docs + docs[:1])]
    latency = None if rng.random() < 0.1 else rng.lognormvariate(0.5, 0.8)
    return AssistantTurn(
        text="" if failed else "An answer [1].", user=user, tool_calls=SEARCH if searched else [],
        sources=sources, model=None if failed else rng.choice(MODELS),
        input_tokens=rng.randint(0, 3000), output_tokens=rng.randint(0, 600),
        cost_usd=rng.random() / 1000, latency_s=latency,
        ttft_s=None if latency is None or rng.random() < 0.2 else latency * rng.random(),
        error_id="e-0001" if failed else None)


def play(store: Store, clock: Clock, seed: int, exchanges: int = 120) -> History:
    """Write ``exchanges`` question-and-answer pairs, ratings and undos."""
    rng, history = random.Random(seed), History()
    edges = edge_times(rng)
    for _ in range(exchanges):
        key, user = rng.choice(KEYS), rng.choice(USERS)
        space = SPACES[key.split(":")[0]]
        clock.now = a_time(rng, edges)
        if rng.random() < 0.1:
            _refused(store, rng, key, user, space)
        history.questions.append(store.add_user_turn(key, rng.choice(QUESTIONS), user=user,
                                                     space=space))
        clock.now += rng.choice([0.0, 1e-6, rng.random() * 30])
        turn_id = store.add_assistant_turn(key, answer(rng, user))
        history.answers.append((turn_id, clock.now, key))
        _now_and_then(store, clock, rng, history)
    return history


def _refused(store: Store, rng: random.Random, key: str, user: str | None, space: str) -> None:
    """A question a budget refused: stored and flagged, never answered (so never counted)."""
    turn_id = store.add_user_turn(key, rng.choice(QUESTIONS), user=user, space=space)
    store.refuse_turn(turn_id, "budgets.space.tokens_per_day")


def _now_and_then(store: Store, clock: Clock, rng: random.Random, history: History) -> None:
    """Ratings of an earlier answer (later than it), and now and then an undo."""
    if rng.random() < 0.5:
        turn_id, at, _ = rng.choice(history.answers)
        for _ in range(rng.choice([1, 1, 2])):
            clock.now = at + rng.random() * 3 * DAY_S
            store.add_feedback(turn_id, rng.choice([1, 1, -1, 0]), user="ada")
    if rng.random() < 0.05:
        store.add_feedback(rng.choice(history.questions), 1)  # a rated question: not counted
    if rng.random() < 0.08:
        turn_id, _, key = rng.choice(history.answers)
        store.supersede_from(key, turn_id)  # an undo: the answer still counts as spent
