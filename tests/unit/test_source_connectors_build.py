"""The Drive and Slack connectors are built from their options without any I/O or SDK import,
and their options refuse bad settings with the field and the fix."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from sources.gdrive import DriveConnector, DriveOptions
from sources.slack_threads import SlackOptions, SlackThreadsConnector

SDKS = ["googleapiclient", "google.auth", "httplib2", "slack_sdk"]


def test_building_both_connectors_imports_no_service_sdk() -> None:
    code = ("import sys\nfrom sources.gdrive import DriveConnector, DriveOptions\n"
            "from sources.slack_threads import SlackThreadsConnector, SlackOptions\n"
            "DriveConnector('d', DriveOptions(folders=['f']))\n"
            "SlackThreadsConnector('s', SlackOptions())\n"
            f"print([m for m in {SDKS!r} if m in sys.modules])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_the_kinds_are_named_as_config_names_them() -> None:
    assert (DriveConnector.kind, SlackThreadsConnector.kind) == ("gdrive", "slack")
    assert DriveConnector.Options is DriveOptions and SlackThreadsConnector.Options is SlackOptions


def test_bad_options_name_the_field() -> None:
    with pytest.raises(ValidationError, match="shared_drives"):
        DriveOptions.model_validate({})
    with pytest.raises(ValidationError, match="docs_export"):
        DriveOptions.model_validate({"folders": ["f"], "docs_export": "pdf"})
    with pytest.raises(ValidationError, match="chanels"):
        SlackOptions.model_validate({"chanels": ["general"]})
