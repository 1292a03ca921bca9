"""Reports under ``[access]``: ``bot stats``' most cited sources, the Gradio Stats tab, the
fine-tuning export and the eval reports show a viewer only what they may read now. A real
knowledge base holds a restricted document whose file name and title are a canary; real
turns (a scripted model calling the real search tool) cite it, and are rated."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from apps.cli.main import main
from backends.scripted import Reply, ScriptedLLM, ScriptedToolCall
from bot.app import Bot
from config import Settings, load_settings
from knowledge.lexical_sync import open_index
from knowledge.readers import set_readers
from knowledge.store import KnowledgeStore
from tests.kb.helpers import shared_minilm
from tools.search_knowledge import SearchKnowledge

CANARY = "CANARYQ7X2"  # the restricted document's file name and title
HR = "hana@example.com"  # in group hr: may read it
OTHER = "bob@example.com"  # may not
GROUPS = {"hr": [f"user:{HR}"]}


@pytest.fixture
def world(tmp_path: Path, data_dir: Path) -> tuple[Settings, list[str]]:
    """The knowledge base, and two rated conversations: one citing the canary document
    (asked by someone who may read it), one citing a public one. Returns the CLI's base
    arguments too."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / f"{CANARY}.md").write_text(f"# {CANARY} merger plan\n\nThe merger closes in May.\n")
    (docs / "lunch.md").write_text("# Lunch\n\nLunch is served at noon in the atrium.\n")
    config = tmp_path / "bot.toml"
    config.write_text(f'[kb]\nmin_score = -1.0\n[access.groups]\nhr = ["user:{HR}"]\n')
    base = ["--config", str(config), "--data-dir", str(data_dir)]
    assert main([*base, "ingest", str(docs), "--no-progress"]) == 0
    settings = load_settings(
        data_dir=data_dir,
        tools=["search_knowledge"],
        agent="tools",
        kb={"min_score": -1.0},
        access={"enabled": True, "groups": GROUPS},
    )
    store = KnowledgeStore.open(settings, shared_minilm().name, write=True)
    try:
        set_readers(
            store,
            open_index(settings, settings.kb.collection),
            lambda m: ["group:hr"] if CANARY in str(m.get("path")) else ["public"],
        )
    finally:
        store.close()
    return settings, base


async def rated_turns(settings: Settings, score: int) -> None:
    """Hana asks about the merger (cites the canary), Bob about lunch; both are rated."""
    asked = [
        ("The merger closes when?", HR, f"In May, says {CANARY} merger plan [1]."),
        ("When is lunch?", OTHER, "At noon [1]."),
    ]
    replies = [
        r
        for q, _, answer in asked
        for r in (
            Reply(tool_calls=[ScriptedToolCall(name="search_knowledge", arguments={"query": q})]),
            Reply(text=answer),
        )
    ]
    tool = SearchKnowledge(shared_searcher(settings))
    bot = Bot.from_settings(
        settings,
        llms={"primary": ScriptedLLM(replies, profile="scripted")},
        tools={"search_knowledge": tool},
    )  # type: ignore[arg-type]
    try:
        for i, (question, user, _) in enumerate(asked):
            async for _ in bot.session(f"gradio:{i}").send(
                question, user=user, space=f"gradio:{user}"
            ):
                pass
            answer = (await bot.session(f"gradio:{i}").history())[-1]
            bot.store.add_feedback(answer.id, score, "checked", user)
        cited = [
            s.source
            for i in range(2)
            for t in await bot.session(f"gradio:{i}").history()
            for s in t.sources
        ]
        assert any(CANARY in s for s in cited) and any("lunch" in s for s in cited)
    finally:
        await bot.aclose()


def shared_searcher(settings: Settings) -> Any:
    from knowledge.search import Searcher

    return Searcher(settings, embedder=shared_minilm())


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    captured = capsys.readouterr()
    return captured.out + captured.err


async def test_stats_lists_a_cited_source_only_to_a_viewer_who_may_read_it(
    world: tuple[Settings, list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings, base = world
    await rated_turns(settings, 1)
    capsys.readouterr()
    stats = [*base, "stats", "--since", "all"]
    assert CANARY in cli(capsys, *stats)  # the operator on the server: everything
    assert CANARY in cli(capsys, *stats, "--as", HR)
    hidden = cli(capsys, *stats, "--as", OTHER)
    assert CANARY not in hidden and "lunch.md" in hidden
    assert main([*stats, "--as", OTHER, "--json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in as_json["top_sources"]] == [  # no trace of the other
        next(s["name"] for s in as_json["top_sources"] if "lunch" in s["name"])
    ]


async def test_the_gradio_stats_tab_shows_a_signed_in_admin_only_what_they_may_read(
    world: tuple[Settings, list[str]],
) -> None:
    from presenters.gradio.stats_tab import StatsTab

    settings, _ = world
    await rated_turns(settings, 1)
    gradio = settings.gradio.model_copy(update={"admin_users": [HR, OTHER]})
    bot = Bot.from_settings(settings.model_copy(update={"gradio": gradio}))
    try:
        tab = StatsTab(bot)
        shown = {}
        for login in (HR, OTHER):
            outputs = await tab.refresh("all time", "(none)", SimpleNamespace(username=login))  # type: ignore[arg-type]
            shown[login] = outputs[-1]  # the lists: most cited sources, unanswered questions
    finally:
        await bot.aclose()
    assert CANARY in shown[HR]
    assert CANARY not in shown[OTHER] and "lunch.md" in shown[OTHER]


async def test_the_finetune_export_leaves_out_what_the_viewer_may_not_read(
    world: tuple[Settings, list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings, base = world
    await rated_turns(settings, 1)
    capsys.readouterr()
    export = [*base, "export", "finetune"]
    assert CANARY in cli(capsys, *export)  # the tool step quotes the passage and its title
    assert CANARY in cli(capsys, *export, "--as", HR)
    hidden = cli(capsys, *export, "--as", OTHER)
    assert CANARY not in hidden and "noon" in hidden
    assert "1 examples\n" in hidden  # nothing says another one was left out


async def test_eval_reports_as_a_viewer_show_only_what_they_may_read(
    world: tuple[Settings, list[str]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from apps.eval.feedback_command import collect_cases
    from bot.access import Principals

    settings, base = world
    await rated_turns(settings, -1)
    cases = {
        who: collect_cases(settings, None, None, Principals(settings.access).person(who))
        for who in (HR, OTHER)
    }
    assert CANARY in json.dumps([c.model_dump() for c in cases[HR]])
    assert len(cases[OTHER]) == 1 and CANARY not in json.dumps(cases[OTHER][0].model_dump())
    questions = tmp_path / "questions.json"
    questions.write_text(
        json.dumps(
            [  # a miss: the report lists what was found instead
                {"id": "m", "question": "The merger closes when?", "source": "lunch.md"}
            ]
        )
    )
    capsys.readouterr()
    evaluate = [*base, "eval", "retrieval", str(questions), "--out", str(tmp_path / "r")]
    assert CANARY in cli(capsys, *evaluate)
    assert main([*evaluate, "--as", OTHER]) == 0
    report = capsys.readouterr().out + "".join(
        p.read_text() for p in (tmp_path / "r").rglob("*") if p.is_file()
    )
    assert CANARY not in report
