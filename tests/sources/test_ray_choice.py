"""When a sync embeds on Ray: only with a cluster configured and enough documents to fetch;
a cluster that cannot be joined leaves the sync to embed here. (The Ray path itself runs on
a real local Ray in tests/integration/test_sources_ray.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import Settings
from knowledge.ray_cluster import RayUnavailable
from sources.ray_choice import RayTarget, configured_ray, ray_refusal
from tests.integration.test_sources_sync import write_notes
from tests.sources.helpers import indexed, paths_of, settings_with, sync

CLUSTER = "127.0.0.1:1"  # nothing listens there: joining it must not even be tried


def notes_settings(tmp_path: Path, threshold: int) -> Settings:
    write_notes(tmp_path / "notes", 3)
    settings = settings_with(
        tmp_path / "data",
        notes={
            "kind": "folder",
            "paths": [str(tmp_path / "notes")],
            "ray_min_documents": threshold,
        },
    )
    return settings.model_copy(
        update={"deploy": settings.deploy.model_copy(update={"address": CLUSTER})}
    )


def test_the_cluster_is_the_one_bot_deploy_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    plain = settings_with(tmp_path)
    assert configured_ray(plain) is None
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6379")
    assert configured_ray(plain) == RayTarget("10.0.0.5:6379")
    deploy = plain.deploy.model_copy(update={"address": "head:6379"})
    assert configured_ray(plain.model_copy(update={"deploy": deploy})) == RayTarget("head:6379")


def test_only_a_large_sync_with_a_cluster_is_sent_to_ray() -> None:
    assert ray_refusal(None, 10_000, 200, True) == "no Ray cluster configured"
    assert "under ray_min_documents = 200" in str(ray_refusal(RayTarget(CLUSTER), 12, 200, True))
    assert "own embedder" in str(ray_refusal(RayTarget(CLUSTER), 500, 200, False))
    assert ray_refusal(RayTarget(CLUSTER), 500, 200, True) is None


@pytest.fixture
def joins(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Ray cluster the sync tries to join; none can be joined."""
    import sources.ray_embed

    tried: list[str] = []

    def unreachable(address: str, *args: Any) -> Any:
        tried.append(address)
        raise RayUnavailable(f"cannot start the Ray cluster at {address}")

    monkeypatch.setattr(sources.ray_embed, "ray_connected", unreachable)
    return tried


def test_a_small_sync_embeds_here_even_with_a_cluster_configured(
    tmp_path: Path, joins: list[str]
) -> None:
    settings = notes_settings(tmp_path, threshold=200)
    report = sync(settings, "notes", ray=configured_ray(settings))
    assert (report.outcome, len(report.added), report.embedded_on) == ("ok", 3, "")
    assert joins == []


def test_a_cluster_that_cannot_be_joined_leaves_the_sync_to_embed_here(
    tmp_path: Path, joins: list[str]
) -> None:
    settings = notes_settings(tmp_path, threshold=2)
    report = sync(settings, "notes", ray=configured_ray(settings))
    assert joins == [CLUSTER]
    assert (report.outcome, len(report.added), report.embedded_on) == ("ok", 3, "")
    assert len(paths_of(indexed(settings)[0])) == 3
