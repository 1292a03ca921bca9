"""config/presenters.py is the one list of presenters: settings, `bot serve`, the Ray Serve
plan and the presenter packages all agree with it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from apps.cli.main import build_parser
from apps.deploy.plan import PRESENTER_APPS
from config import Settings
from config.presenters import NAMES, PRESENTERS, with_replicas
from config.sections import DeploySettings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", NAMES)
def test_each_presenter_package_has_its_entry_points(name: str) -> None:
    package = importlib.import_module(f"presenters.{name}")
    assert callable(package.start)
    assert callable(getattr(package, "asgi_app", None)) == (name in with_replicas())
    # a submodule of the same name would replace the function once it is imported
    files = {p.name for p in (ROOT / "presenters" / name).iterdir()}
    assert not {"start.py", "asgi_app.py"} & files


def test_settings_take_the_names_and_aliases_and_refuse_others() -> None:
    for p in PRESENTERS:
        for name in (p.name, *p.aliases):
            assert Settings(presenter=name).presenter == p.name
    choices = "Fix: use 'terminal', 'gradio', 'slack', 'api' or 'mcp'"
    with pytest.raises(ValidationError, match=choices):
        Settings(presenter="teams")


def test_bot_serve_offers_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "teams"])
    assert "'terminal', 'gradio', 'slack', 'api', 'mcp', 'stdio'" in capsys.readouterr().err


def test_the_ray_plan_and_deploy_apps_follow_the_table() -> None:
    assert sorted(PRESENTER_APPS) == sorted(with_replicas()) == ["api", "slack"]
    assert PRESENTER_APPS["slack"] == ("bot-slack", "/slack", "presenters.slack:asgi_app")
    with pytest.raises(ValidationError, match="'gradio' has no Ray Serve replicas"):
        DeploySettings(apps=["gradio"])


def test_a_shadowing_config_package_is_named_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "__init__.py").write_text("", encoding="utf-8")
    code = "import sys; from apps.cli.main import main; sys.exit(main(['--help']))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": ""}, timeout=60)
    assert run.returncode == 2
    assert f"the package 'config' is imported from {tmp_path / 'config'}" in run.stderr
    assert "virtual environment of its own" in run.stderr
