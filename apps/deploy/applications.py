"""The plan's applications as Serve ``Application`` objects, for ``bot deploy`` and for Serve
config files (``serve deploy``, KubeRay's RayService) alike."""

from __future__ import annotations

from typing import Any

from ray import serve
from ray.serve import Application

from apps.deploy.plan import MODEL_DEPLOYMENT, Plan, PresenterApp
from apps.deploy.replicas import EmbeddedModel, PresenterReplica
from config import Settings


def as_deployment(cls: type) -> Any:
    """``serve.deployment(cls)`` (its stubs type the decorator form only)."""
    return serve.deployment(cls)


def model_application(plan: Plan, profile: str) -> Application:
    """The embedded profile's one model, called by every presenter replica."""
    model = as_deployment(EmbeddedModel).options(name=MODEL_DEPLOYMENT, **plan.models[profile])
    return model.bind(plan.replica_settings, profile)  # type: ignore[no-any-return]


def presenter_application(plan: Plan, p: PresenterApp) -> Application:
    replica = as_deployment(PresenterReplica).options(name=p.presenter, **p.options)
    settings: Settings = plan.replica_settings
    return replica.bind(settings, p.presenter, p.factory)  # type: ignore[no-any-return]
