"""Application builders for Serve config files: the same applications as ``bot deploy``.

KubeRay's RayService (and ``serve deploy``) name an import path and its arguments instead of
running ``bot deploy``; the settings then come from the environment and ``bot.toml`` of the
cluster's pods (``BOT_CONFIG``), secrets included, as for ``bot``::

    - name: bot-api
      route_prefix: /
      import_path: apps.deploy.builder:presenter
      args: {presenter: api}
    - name: bot-model-local        # only when a role uses the embedded model
      import_path: apps.deploy.builder:model
      args: {profile: local}

Keep each application's ``name`` and ``route_prefix`` as ``bot deploy`` uses them
(``apps.deploy.plan``): the replicas find an embedded model by its application's name.
"""

from __future__ import annotations

from typing import Any

from ray.serve import Application

from apps.deploy.applications import model_application, presenter_application
from apps.deploy.plan import Plan, make_plan
from apps.deploy.shared_state import shared_state_problems
from config import load_settings


def _plan(args: dict[str, Any], presenters: list[str]) -> Plan:
    settings = load_settings(args.get("config"))
    problems = shared_state_problems(settings, presenters)
    if problems:
        raise ValueError(f"Cannot deploy replicas: {problems[0]}")
    return make_plan(settings, presenters)


def presenter(args: dict[str, Any]) -> Application:
    """``args``: ``presenter`` (``api`` or ``slack``), optionally ``config`` (a TOML path)."""
    name = str(args.get("presenter", ""))
    plan = _plan(args, [name])
    return presenter_application(plan, plan.presenters[0])


def model(args: dict[str, Any]) -> Application:
    """``args``: ``profile``, an embedded (llamacpp) profile a role uses."""
    profile = str(args.get("profile", ""))
    plan = _plan(args, [])
    if profile not in plan.models:
        embedded = ", ".join(plan.models) or "none"
        raise ValueError(f"profile {profile!r} is not an embedded profile any role uses "
                         f"(those: {embedded}). Fix: correct args.profile")
    return model_application(plan, profile)
