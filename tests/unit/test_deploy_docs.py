"""The RayService example in docs/deploy.md builds: every application names a builder that
returns what ``bot deploy`` deploys, under the names the replicas rely on."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from apps.deploy.plan import PRESENTER_APPS, model_app

yaml = pytest.importorskip("yaml")
pytest.importorskip("ray.serve")
DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def ray_service() -> dict[str, Any]:
    block = re.search(r"```yaml\n(apiVersion: ray.io/v1\nkind: RayService\n.*?)```",
                      DOC.read_text(), re.S)
    assert block, "docs/deploy.md has no RayService example"
    return dict(yaml.safe_load(block.group(1)))


def test_every_application_of_the_example_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    from ray.serve import Application

    for name, value in {"BOT_STORE__URL": "postgresql://bot@db/bot", "BOT_TOOLS": "[]",
                        "BOT_SLACK__MODE": "http",
                        "BOT_API__KEYS__ALICE": "sk-docs-test-0123456789"}.items():
        monkeypatch.setenv(name, value)
    serve_config = yaml.safe_load(ray_service()["spec"]["serveConfigV2"])
    expected = {app: prefix for app, prefix, _ in PRESENTER_APPS.values()}
    expected[model_app("local")] = None
    for app in serve_config["applications"]:
        module, _, builder = app["import_path"].partition(":")
        built = getattr(importlib.import_module(module), builder)(app["args"])
        assert isinstance(built, Application), app["name"]
        assert app.get("route_prefix") == expected.pop(app["name"])
    assert expected == {}


def test_a_builder_refuses_per_replica_state() -> None:
    from apps.deploy.builder import presenter

    with pytest.raises(ValueError, match=r"store\.url is not set"):
        presenter({"presenter": "api"})


def test_serve_accepts_the_autoscaling_bounds_from_the_settings() -> None:
    from apps.deploy.applications import presenter_application
    from apps.deploy.plan import make_plan
    from config import load_settings

    settings = load_settings(tools=[], store={"url": "postgresql://bot@db/bot"},
                             roles={"primary": "openai"},
                             deploy={"min_replicas": 1, "max_replicas": 5})
    plan = make_plan(settings)
    app = presenter_application(plan, plan.presenters[0])  # Serve validates the options here
    config = app._bound_deployment._deployment_config  # what Serve will run
    assert (config.autoscaling_config.min_replicas, config.autoscaling_config.max_replicas) == (
        1, 5)
    assert config.max_ongoing_requests == settings.deploy.max_ongoing_requests
