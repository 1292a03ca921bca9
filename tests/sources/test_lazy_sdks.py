"""Building a hosted connector imports no service SDK: only listing or fetching does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SDKS = ["githubkit", "atlassian", "notion_client", "requests", "httpx"]


def test_building_the_connectors_imports_no_service_sdk() -> None:
    code = (
        "import sys\n"
        "from sources.github import GitHubConnector\n"
        "from sources.confluence import ConfluenceConnector\n"
        "from sources.notion import NotionConnector\n"
        "from sources.github_webhook import push_targets\n"
        "GitHubConnector('g', GitHubConnector.Options(repos=['acme/handbook']))\n"
        "ConfluenceConnector('c', ConfluenceConnector.Options(base_url='https://a.atlassian.net/wiki',"
        " spaces=['ENG']))\n"
        "NotionConnector('n', NotionConnector.Options())\n"
        f"print([m for m in {SDKS!r} if m in sys.modules])"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT)}  # this checkout's code, wherever pytest runs
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_every_kind_names_a_connector_of_that_kind() -> None:
    from importlib import import_module

    from sources.kinds import KINDS

    for kind, target in KINDS.items():
        module, _, name = target.partition(":")
        assert getattr(import_module(module), name).kind == kind
