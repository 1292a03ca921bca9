"""What ``bot deploy`` puts on the cluster, decided from the settings (no Ray needed)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from apps.cli.runtime import describe_validation_error
from apps.deploy.plan import embedded_profiles, make_plan
from config import load_settings

PG = {"url": "postgresql://bot@db/bot"}


def test_the_embedded_model_runs_once_and_replicas_call_it() -> None:
    settings = load_settings(tools=[], store=PG)  # every role on the embedded default
    plan = make_plan(settings)
    assert plan.app_names == ["bot-model-local", "bot-api"]
    local = plan.replica_settings.profiles["local"]
    assert local.deployment == "bot-model-local/EmbeddedModel" and local.kind == "llamacpp"
    assert plan.replica_settings.agent == "pipeline"  # what "auto" chose for the model
    assert settings.profiles["local"].deployment is None  # the driver's own settings unchanged


def test_an_embedded_fallback_is_deployed_too_and_remote_profiles_are_not() -> None:
    settings = load_settings(tools=[], store=PG, roles={"primary": "openai"},
                             profiles={"openai": {"fallbacks": ["local"]}})
    assert embedded_profiles(settings) == ["local"]
    replicas = make_plan(settings).replica_settings
    assert replicas.profiles["openai"].deployment is None and replicas.agent == "tools"
    assert embedded_profiles(load_settings(tools=[], roles={"primary": "openai"})) == []


def test_replicas_and_autoscaling_bounds_come_from_the_settings() -> None:
    fixed = make_plan(load_settings(tools=[], store=PG, roles={"primary": "openai"},
                                    deploy={"replicas": 3, "apps": ["api", "slack"]}))
    assert [(p.app, p.route_prefix) for p in fixed.presenters] == [
        ("bot-api", "/"), ("bot-slack", "/slack")]
    assert fixed.presenters[0].options["num_replicas"] == 3
    assert "autoscaling_config" not in fixed.presenters[0].options
    scaled = make_plan(load_settings(tools=[], store=PG, roles={"primary": "openai"}, deploy={
        "min_replicas": 2, "max_replicas": 8, "target_ongoing_requests": 4}))
    assert scaled.presenters[0].options["autoscaling_config"] == {
        "min_replicas": 2, "max_replicas": 8, "initial_replicas": 2,
        "target_ongoing_requests": 4.0}
    assert "num_replicas" not in scaled.presenters[0].options


@pytest.mark.parametrize(("deploy", "message"), [
    ({"min_replicas": 2}, "deploy.min_replicas and deploy.max_replicas go together"),
    ({"min_replicas": 5, "max_replicas": 2}, "is above deploy.max_replicas"),
    ({"apps": []}, "deploy.apps is empty"),
    ({"apps": ["gradio"]}, "deploy.apps.0 = 'gradio'"),
])
def test_bad_deploy_settings_name_the_field_and_the_fix(deploy: dict, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        load_settings(deploy=deploy)
    text = describe_validation_error(caught.value)
    assert message in text and "Fix:" in text
