"""What ``bot deploy`` runs, decided from the settings alone (no Ray here).

Each HTTP presenter is one Serve application of one deployment: ``bot-api`` at ``/``,
``bot-slack`` at ``/slack``. Each embedded (llamacpp) profile a role can reach runs once, as
the application ``bot-model-<profile>`` (not exposed over HTTP); the replicas' copy of the
settings points the profile at it, so N replicas share one model instead of loading N.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from config import Settings
from config.presenters import PRESENTERS
from config.sections import ROLES, DeploySettings

MODEL_DEPLOYMENT = "EmbeddedModel"
# presenter -> (Serve application, route prefix, "module:factory" building its ASGI app),
# derived from config/presenters.py's table and its rule for where the factory lives
PRESENTER_APPS = {
    p.name: (p.replicas.app, p.replicas.route_prefix, f"presenters.{p.name}:asgi_app")
    for p in PRESENTERS if p.replicas is not None
}


@dataclass(frozen=True)
class PresenterApp:
    presenter: str
    app: str
    route_prefix: str
    factory: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    replica_settings: Settings
    presenters: list[PresenterApp]
    models: dict[str, dict[str, Any]]  # embedded profile -> its deployment's options

    @property
    def app_names(self) -> list[str]:
        return [model_app(m) for m in self.models] + [p.app for p in self.presenters]


def model_app(profile: str) -> str:
    """The Serve application that runs the embedded profile ``profile``."""
    return f"bot-model-{profile}"


def embedded_profiles(settings: Settings) -> list[str]:
    """The llamacpp profiles some role can reach, through its fallbacks too."""
    todo = [settings.roles.profile_for(role) for role in ROLES]
    seen: list[str] = []
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.append(name)
            todo.extend(settings.profiles[name].fallbacks)
    return sorted(n for n in seen if settings.profiles[n].kind == "llamacpp")


def replica_settings(settings: Settings) -> Settings:
    """The settings replicas run with: embedded profiles served by their deployment, and the
    agent already chosen (``auto`` looks at the profile's kind, which stays llamacpp)."""
    profiles = dict(settings.profiles)
    for name in embedded_profiles(settings):
        deployment = f"{model_app(name)}/{MODEL_DEPLOYMENT}"
        profiles[name] = profiles[name].model_copy(update={"deployment": deployment})
    return settings.model_copy(update={"profiles": profiles, "agent": settings.agent_name()})


def presenter_options(d: DeploySettings, grace_s: float) -> dict[str, Any]:
    """Serve deployment options for a presenter: replicas or autoscaling bounds, capacity."""
    options: dict[str, Any] = {
        "max_ongoing_requests": d.max_ongoing_requests,
        "ray_actor_options": {"num_cpus": d.replica_cpus},
        "graceful_shutdown_timeout_s": grace_s,
    }
    if d.max_replicas_per_node is not None:
        options["max_replicas_per_node"] = d.max_replicas_per_node
    if d.autoscaled:
        options["autoscaling_config"] = {
            "min_replicas": d.min_replicas, "max_replicas": d.max_replicas,
            "initial_replicas": max(d.min_replicas or 0, 1),
            "target_ongoing_requests": d.target_ongoing_requests,
        }
    else:
        options["num_replicas"] = d.replicas
    return options


def model_options(d: DeploySettings) -> dict[str, Any]:
    """One embedded model: requests queue inside it (the model is not re-entrant)."""
    return {"num_replicas": d.embedded_replicas, "max_ongoing_requests": 1000,
            "ray_actor_options": {"num_cpus": d.embedded_cpus}}


def make_plan(settings: Settings, presenters: list[str] | None = None) -> Plan:
    """The applications to deploy for ``presenters`` (default ``deploy.apps``)."""
    d = settings.deploy
    apps = []
    for name in presenters or d.apps:
        app, prefix, factory = PRESENTER_APPS[name]
        grace = settings.slack.shutdown_grace_s + 5 if name == "slack" else 30.0
        apps.append(PresenterApp(name, app, prefix, factory, presenter_options(d, grace)))
    models = {name: model_options(d) for name in embedded_profiles(settings)}
    return Plan(replica_settings(settings), apps, models)
