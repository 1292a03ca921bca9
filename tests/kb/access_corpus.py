"""A leak-probe corpus: documents with unique canary strings and random readers, askers in
random groups. Shared by the access tests and the presenter probes
(``benchmarks/probe_world.py``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from config.access import AccessSettings
from config.settings import Settings
from contracts.access import Principal, may_read

SUBJECTS = ["espresso machine", "parking garage", "payroll export", "VPN gateway",
            "office plants", "release train", "laptop refresh", "badge reader",
            "travel policy", "on-call rota", "customer refunds", "data retention",
            "printer toner", "wiki migration", "sales kickoff", "bike storage",
            "security audit", "holiday calendar", "guest wifi", "expense cards",
            "team offsite", "desk booking", "backup tapes", "phone system"]
ACTIONS = ["is serviced", "is audited", "is renewed", "is moved", "is reviewed", "is closed"]
DAYS = ["on Mondays", "every quarter", "each spring", "after midnight", "before lunch"]


@dataclass
class Doc:
    """One probe document: its file name, subject, canary and readers."""

    name: str
    subject: str
    canary: str
    readers: list[str]

    def question(self) -> str:
        return f"When is the {self.subject} handled?"


@dataclass
class ProbeWorld:
    docs: list[Doc]
    groups: dict[str, list[str]]
    users: list[str]
    channels: list[str] = field(default_factory=lambda: ["slack-channel:C0PROBE"])

    def access(self) -> AccessSettings:
        return AccessSettings(enabled=True, groups=self.groups)

    def principal(self, user: str) -> Principal:
        groups = tuple(f"group:{g}" for g, members in self.groups.items() if user in members)
        return Principal(id=user, groups=groups)


def make_world(n_docs: int, n_users: int, n_groups: int, seed: int) -> ProbeWorld:
    """Documents with one random reader each (public, a group, a user, a channel or
    nobody), users in random groups."""
    rng = random.Random(seed)
    users = [f"user:u{i}@example.com" for i in range(n_users)]
    groups = {f"g{i}": rng.sample(users, max(1, n_users // 3)) for i in range(n_groups)}
    choices = ["public", "nobody", "slack-channel:C0PROBE", *(f"group:{g}" for g in groups),
               *users]
    docs = [Doc(name=f"doc{i:03d}.md", subject=_subject(i),
                canary=f"CANARY{rng.randrange(16**8):08x}", readers=[rng.choice(choices)])
            for i in range(n_docs)]
    return ProbeWorld(docs=docs, groups=groups, users=users)


def _subject(i: int) -> str:
    base = SUBJECTS[i % len(SUBJECTS)]
    return base if i < len(SUBJECTS) else f"{base} {ACTIONS[i % len(ACTIONS)][3:]} {i}"


def write_docs(world: ProbeWorld, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, doc in enumerate(world.docs):
        body = (f"# {doc.subject.title()}\n\nThe {doc.subject} {ACTIONS[i % len(ACTIONS)]} "
                f"{DAYS[i % len(DAYS)]}. Reference code {doc.canary}.\n")
        (folder / doc.name).write_text(body)
    return folder


def ingest_world(world: ProbeWorld, settings: Settings, folder: Path, embedder: Any) -> None:
    """Ingest the world's documents into ``settings``' collection, then give each passage
    its document's readers (as a permission pass would: nothing embedded again)."""
    from knowledge.ingest import ingest
    from knowledge.lexical_sync import open_index
    from knowledge.readers import set_readers
    from knowledge.store import KnowledgeStore

    ingest(settings, [write_docs(world, folder)], embedder=embedder, progress=False)
    by_name = {d.name: d.readers for d in world.docs}
    store = KnowledgeStore.open(settings, embedder.name, write=True)
    try:
        set_readers(store, open_index(settings, settings.kb.collection),
                    lambda meta: by_name.get(Path(str(meta.get("path"))).name))
    finally:
        store.close()


def leaks(world: ProbeWorld, asker: Principal, texts: list[str]) -> list[str]:
    """The canaries in ``texts`` of documents ``asker`` may not read."""
    return [d.canary for d in world.docs if not may_read(d.readers, asker)
            and any(d.canary in t for t in texts)]
