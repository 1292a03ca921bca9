"""``bot stats``: usage read back from a real store (SQLite and PostgreSQL) after real turns."""

from __future__ import annotations

import time

import pytest

from apps.cli.main import main
from config import Settings
from tests.fakes.team_usage import VPN_QUESTION, play_week, team_bot


@pytest.fixture
async def played(store_settings: Settings):  # type: ignore[no-untyped-def]
    bot = team_bot(store_settings)
    await play_week(bot)
    yield bot
    await bot.aclose()


async def test_totals_errors_ratings_sources_and_unanswered_questions(played) -> None:  # type: ignore[no-untyped-def]
    report = played.usage_report(time.time() - 3600)
    total = report.total
    assert (total.turns, total.errors, total.rated_up, total.rated_down) == (4, 1, 1, 1)
    assert total.input_tokens > 0 and total.latency_p95_s is not None
    assert total.ttft_p50_s is not None and total.ttft_p50_s <= total.latency_p95_s
    assert [(s.name, s.count) for s in report.top_sources] == [("docs/slack.md", 1)]
    assert [(q.name, q.count) for q in report.unanswered] == [(VPN_QUESTION, 1)]


async def test_grouped_by_user_channel_presenter_and_model(played) -> None:  # type: ignore[no-untyped-def]
    by_user = {r.name: r for r in played.usage_report(None, "user").groups}
    assert (by_user["ada"].turns, by_user["ada"].rated_down, by_user["ada"].errors) == (2, 1, 0)
    assert (by_user["bob"].turns, by_user["bob"].error_rate) == (2, 0.5)
    channels = {r.name: r.turns for r in played.usage_report(None, "channel").groups}
    assert channels == {"slack:T1:C1": 2, "gradio": 2}
    presenters = {r.name: r.turns for r in played.usage_report(None, "presenter").groups}
    assert presenters == {"slack": 2, "gradio": 2}
    models = {r.name for r in played.usage_report(None, "model").groups}
    assert models == {"team-model", "(none)"}  # the failed answer reached no model
    days = played.usage_report(None, "day").groups
    assert [d.name for d in days] == [time.strftime("%Y-%m-%d", time.gmtime())]


async def test_a_window_that_ends_before_the_answers_is_empty(played) -> None:  # type: ignore[no-untyped-def]
    from stores.analytics import usage_report

    report = usage_report(played.store, None, until=time.time() - 3600)  # type: ignore[arg-type]
    assert (report.total.turns, report.top_sources, report.unanswered) == (0, [], [])


def test_bot_stats_prints_the_table(  # type: ignore[no-untyped-def]
    played, store_settings: Settings, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_STORE__URL", store_settings.store.url.get_secret_value())  # type: ignore[union-attr]
    args = ["--data-dir", str(store_settings.data_dir), "stats", "--since", "1d", "--by", "user"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "by user" in out and "docs/slack.md" in out and VPN_QUESTION in out
    ada = next(line for line in out.splitlines() if line.startswith("ada"))
    assert ada.split()[1] == "2" and ada.split()[-1] == "50.0%"  # 2 answers, half rated 👎


@pytest.mark.parametrize("since", ["7x", "seven days", "1.5y"])
def test_a_bad_window_names_the_flag_and_the_fix(
    since: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["stats", "--since", since])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--since" in err and "Fix: a number and a unit" in err


def test_backfill_gives_old_answers_their_user_and_sources(store_settings: Settings) -> None:
    """Rows written before the analytics step (no user on answers, no turn_sources rows) are
    completed by BACKFILL, the statements the migration step runs once."""
    import sqlite3

    from contracts.events import Source
    from contracts.store import AssistantTurn
    from stores import open_store
    from stores.analytics_schema import BACKFILL

    url = store_settings.store.url.get_secret_value()  # type: ignore[union-attr]
    store = open_store(url, store_settings.data_dir)
    store.add_user_turn("stdio:old", "How do I connect Slack?", user="ada")
    source = Source(n=1, source="docs/slack.md", text="Create the app.")
    store.add_assistant_turn("stdio:old", AssistantTurn(text="From the manifest.",
                                                       sources=[source]))
    dialect = store.dialect  # type: ignore[attr-defined]
    store.close()
    undo = ['DELETE FROM turn_sources', 'UPDATE turns SET "user" = NULL WHERE role = \'assistant\'']
    if dialect == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    else:
        import psycopg

        conn = psycopg.connect(url)  # type: ignore[assignment]
    for statement in undo + BACKFILL[dialect]:  # as an old store, then the migration
        conn.execute(statement)
    conn.commit()
    conn.close()
    store = open_store(url, store_settings.data_dir)
    from stores.analytics import usage_report

    report = usage_report(store, None, "user")  # type: ignore[arg-type]
    store.close()
    assert [(g.name, g.turns) for g in report.groups] == [("ada", 1)]
    assert [(s.name, s.count) for s in report.top_sources] == [("docs/slack.md", 1)]
