"""Scheduled sources: due ones run (from the last run in the store, so replicas agree),
recent ones wait; the background scheduler of a long-running process syncs on its own; and
the ``bot sources`` commands show what happened."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from apps.cli.main import main
from sources.report import SyncReport, record_run
from sources.runner import SourceRunner
from sources.scheduler import SourceScheduler, next_run_at
from stores import open_store
from tests.integration.test_sources_sync import write_notes
from tests.kb.helpers import shared_minilm
from tests.sources.helpers import indexed, paths_of, settings_with


def test_next_run_follows_every_and_cron_schedules() -> None:
    last = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
    assert next_run_at("every 15m", None, last) == last
    assert next_run_at("every 15m", last, last) == last + 900
    assert next_run_at("0 * * * *", last, last) == 1_700_002_800.0  # the next full hour


def test_the_scheduler_wakes_when_the_next_source_is_due_not_a_tick_later(
        tmp_path: Path) -> None:
    settings = settings_with(tmp_path / "data",
                             notes={"kind": "folder", "paths": [str(tmp_path)],
                                    "schedule": "every 1m"})
    store = open_store(None, settings.data_dir)
    now = [1_700_000_000.0]
    scheduler = SourceScheduler(settings, SourceRunner(settings, store), tick_s=15,
                                clock=lambda: now[0])
    try:
        assert scheduler.seconds_to_next() == 15  # overdue (never ran): a tick, never a spin
        record_run(store, SyncReport("notes", started_at=now[0]))
        now[0] += 50
        assert scheduler.seconds_to_next() == pytest.approx(10)  # due in 10 s, not in 15
        now[0] += 20
        assert scheduler.seconds_to_next() == 15  # overdue again (another runner has it?)
    finally:
        store.close()


def test_due_sources_run_and_recent_ones_wait(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 2)
    settings = settings_with(tmp_path / "data",
                             notes={"kind": "folder", "paths": [str(tmp_path / "notes")],
                                    "schedule": "every 15m"},
                             manual={"kind": "folder", "paths": [str(tmp_path / "notes")]})
    store = open_store(None, settings.data_dir)
    now = [time.time()]
    scheduler = SourceScheduler(settings, SourceRunner(settings, store, embedder=shared_minilm()),
                                clock=lambda: now[0])
    try:
        [first] = scheduler.run_due()  # never ran: due now; the manual source is not scheduled
        assert (first.name, len(first.added)) == ("notes", 2)
        assert scheduler.run_due() == []  # ran a moment ago
        now[0] = first.started_at + 901  # (the run's start is real time: setup may take a while)
        [later] = scheduler.run_due()
        assert later.unchanged == 2
    finally:
        store.close()


def test_the_background_scheduler_syncs_on_its_own(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 3)
    settings = settings_with(tmp_path / "data",
                             notes={"kind": "folder", "paths": [str(tmp_path / "notes")],
                                    "schedule": "every 1h"})
    store = open_store(None, settings.data_dir)
    scheduler = SourceScheduler(settings, SourceRunner(settings, store, embedder=shared_minilm()),
                                tick_s=0.2)
    scheduler.start()
    try:
        deadline = time.monotonic() + 120
        while len(paths_of(indexed(settings)[0])) < 3:
            assert time.monotonic() < deadline, "the scheduler never synced the due source"
            time.sleep(0.2)
    finally:
        scheduler.stop()
        store.close()


def test_the_sources_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_notes(tmp_path / "notes", 2)
    config = tmp_path / "bot.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\ntools = ["search_knowledge"]\n'
        f'[sources.notes]\nkind = "folder"\npaths = ["{tmp_path / "notes"}"]\n'
        'schedule = "every 15m"\n'
        '[sources.site]\nkind = "web"\nstart_url = "https://example.com/"\n', "utf-8")
    assert main(["--config", str(config), "sources", "list"]) == 0
    listed = capsys.readouterr().out
    assert "notes: folder, every 15m, enabled" in listed
    assert "sources.site.start_url: Extra inputs are not permitted. Fix: remove it" in listed
    assert main(["--config", str(config), "sources", "sync", "notes", "--no-progress"]) == 0
    assert "notes: ok, 2 added, 0 changed, 0 removed" in capsys.readouterr().out
    assert main(["--config", str(config), "sources", "status"]) == 0
    status = capsys.readouterr().out
    assert "notes: ok at" in status and "2 added" in status and "next run:" in status
    assert main(["--config", str(config), "kb", "search", "sourdough", "starters"]) == 0
    assert "note-01.md" in capsys.readouterr().out
    assert main(["--config", str(config), "sources", "sync", "nope"]) == 2
    assert "no source named nope" in capsys.readouterr().err


def test_the_gradio_admin_view_shows_each_sources_last_sync(tmp_path: Path) -> None:
    from bot.app import Bot
    from presenters.gradio.stats_tab import sources_markdown
    from sources.report import SyncReport, record_run

    settings = settings_with(tmp_path / "data", wiki={"kind": "web", "schedule": "every 1h",
                                                      "start_urls": ["https://x.example/"]})
    bot = Bot.from_settings(settings)
    report = SyncReport("wiki", added=["a", "b"], seconds=3.5, outcome="failed",
                        errors=["GitHub answered 401 for repo acme/handbook: the token in "
                                "GITHUB_TOKEN has expired"])
    record_run(bot.store, report)
    shown = sources_markdown(bot.sources_status())
    assert shown.startswith("### Sources\n\n- **wiki**: failed at ")
    assert "2 added, 0 changed, 0 removed" in shown
    assert "    - error: GitHub answered 401" in shown and "    - next run: " in shown


def test_bot_serve_runs_scheduled_sources_in_the_background(tmp_path: Path) -> None:
    from apps.cli.serve import start_source_schedule

    write_notes(tmp_path / "notes", 2)
    manual = settings_with(tmp_path / "data", notes={"kind": "folder",
                                                     "paths": [str(tmp_path / "notes")]})
    assert start_source_schedule(manual) is None  # nothing scheduled: no thread
    scheduled = settings_with(tmp_path / "data", notes={
        "kind": "folder", "paths": [str(tmp_path / "notes")], "schedule": "every 1h"})
    scheduler = start_source_schedule(scheduled)
    try:
        deadline = time.monotonic() + 120
        while len(paths_of(indexed(scheduled)[0])) < 2:
            assert time.monotonic() < deadline, "the serving process never synced the source"
            time.sleep(0.2)
    finally:
        scheduler.stop()
        scheduler.runner.bot_store.close()


def test_a_triggered_source_syncs_at_once_whatever_its_schedule(tmp_path: Path) -> None:
    write_notes(tmp_path / "notes", 2)
    settings = settings_with(tmp_path / "data",
                             notes={"kind": "folder", "paths": [str(tmp_path / "notes")]})
    store = open_store(None, settings.data_dir)
    scheduler = SourceScheduler(settings, SourceRunner(settings, store, embedder=shared_minilm()),
                                tick_s=3600)  # only a trigger can wake it within the test
    scheduler.start()
    try:
        assert not scheduler.trigger("no-such-source")
        assert scheduler.trigger("notes")  # what a webhook handler calls
        deadline = time.monotonic() + 120
        while len(paths_of(indexed(settings)[0])) < 2:
            assert time.monotonic() < deadline, "the triggered source was never synced"
            time.sleep(0.2)
    finally:
        scheduler.stop()
        store.close()
