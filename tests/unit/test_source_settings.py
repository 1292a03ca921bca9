"""``[sources.NAME]``: bad settings fail with the field's place in bot.toml and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config import load_settings
from config.sources import SourceSettings
from sources.kinds import SourceConfigError, build_connector, check_sources


def test_a_bad_schedule_names_the_field_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings(data_dir=tmp_path, sources={"wiki": {"kind": "web", "schedule": "hourly"}})
    error = caught.value.errors()[0]
    assert error["loc"] == ("sources", "wiki", "schedule")
    assert 'Fix: e.g. schedule = "every 15m"' in error["msg"]
    with pytest.raises(ValidationError, match="too frequent"):
        SourceSettings(kind="web", schedule="every 5s")
    assert SourceSettings(kind="web", schedule="*/15 * * * *").schedule == "*/15 * * * *"


def test_kind_options_are_checked_by_the_connector() -> None:
    problems = check_sources({
        "site": SourceSettings.model_validate({"kind": "web", "start_urls": ["docs.example.com"]}),
        "box": SourceSettings.model_validate({"kind": "dropbox"}),
        "off": SourceSettings.model_validate({"kind": "web", "enabled": False}),
        "notes": SourceSettings.model_validate({"kind": "folder", "paths": ["/srv/notes"]}),
    })
    assert len(problems) == 2
    assert problems[0].startswith("sources.site.start_urls: Value error, 'docs.example.com' is "
                                  "not an http(s) URL. Fix: e.g. https://docs.example.com/")
    assert problems[1].startswith("sources.box.kind = 'dropbox' is not a kind of source. Fix:")


def test_a_connector_that_cannot_be_imported_fails_only_its_source(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sources import kinds

    monkeypatch.setitem(kinds.KINDS, "gdrive", "sources.no_such_module:DriveConnector")
    with pytest.raises(SourceConfigError, match=r"sources.drive: the gdrive connector cannot be "
                       r"loaded .* or disable the source with enabled = false"):
        build_connector("drive", SourceSettings(kind="gdrive"))


def test_a_hosted_source_needs_access_chosen_and_readers_turn_it_on(tmp_path: Path) -> None:
    """Nobody's private pages become everyone's answers because [access] was left out."""
    handbook = {"kind": "github", "repos": ["acme/handbook"]}
    with pytest.raises(ValidationError) as caught:
        load_settings(data_dir=tmp_path, sources={"handbook": handbook})
    assert ("access.enabled: sources.handbook (github) can hold private documents"
            in str(caught.value))
    assert "Fix: set [access] enabled = true" in str(caught.value)
    chosen = load_settings(data_dir=tmp_path, sources={"handbook": handbook},
                           access={"enabled": False})
    assert chosen.access.enabled is False
    notes = {"kind": "folder", "paths": [str(tmp_path)]}
    assert load_settings(data_dir=tmp_path, sources={"notes": notes}).access.enabled is False
    private = {**notes, "readers": ["group:eng"]}
    assert load_settings(data_dir=tmp_path, sources={"notes": private}).access.enabled is True
