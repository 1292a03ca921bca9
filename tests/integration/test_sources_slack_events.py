"""Slack events trigger the slack source: a message in a synced channel, delivered to the
running Slack presenter over the fake Slack's Socket Mode, syncs that channel's threads at
once (a real scheduler, engine and the one fake Slack for presenter and source)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.webhooks import attach_trigger, slack_sources_for
from sources.runner import SourceRunner
from sources.scheduler import SourceScheduler
from stores import open_store
from tests.conftest import scripted_bot
from tests.fakes.slack_harness import serving, slack_settings
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.kb.helpers import shared_minilm
from tests.sources.helpers import indexed, settings_with


def synced_threads(settings: Any) -> set[str]:
    return {str(m.get("path")) for m in indexed(settings)[0].values()}


def test_a_message_in_a_synced_channel_syncs_the_slack_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)

    async def scenario() -> None:
        fake = await FakeSlack().start()
        store = None
        scheduler = None
        try:
            fake.add_channel("C0PUB", "general")
            question = fake.say("C0PUB", "How do I restart the walrus queue?")
            answer = fake.say("C0PUB", "Run queuectl restart.", "U0BEN", question)
            settings = slack_settings(settings_with(tmp_path / "data", answers={
                "kind": "slack", "base_url": fake.api_url}), fake)
            store = open_store(None, settings.data_dir)
            scheduler = SourceScheduler(settings, SourceRunner(
                settings, store, embedder=shared_minilm()), tick_s=3600)
            scheduler.start()
            attach_trigger(scheduler.trigger)
            async with serving(fake, scripted_bot(settings)) as slack:
                await slack.push_event({"type": "message", "user": "U0BEN", "channel": "C0PUB",
                                        "channel_type": "channel", "text": "Run queuectl "
                                        "restart.", "ts": answer, "thread_ts": question,
                                        "event_ts": answer})
                await fake.wait_for(lambda: bool(synced_threads(settings)), timeout=120)
            assert synced_threads(settings) == {f"source:answers/C0PUB/{question}"}
        finally:
            attach_trigger(None)
            if scheduler is not None:
                scheduler.stop()
            if store is not None:
                store.close()
            await fake.close()

    asyncio.run(scenario())


def test_only_slack_sources_that_read_the_channel_are_triggered(tmp_path: Path) -> None:
    settings = settings_with(tmp_path / "data",
                             every={"kind": "slack"},
                             ops={"kind": "slack", "channels": ["C0OPS"]},
                             named={"kind": "slack", "channels": ["#general"]},
                             docs={"kind": "folder", "paths": [str(tmp_path)]})
    assert slack_sources_for(settings, "C0OPS") == ["every", "ops", "named"]
    assert slack_sources_for(settings, "C0PUB") == ["every", "named"]
