"""Putting a :class:`~apps.deploy.plan.Plan` on a joined Ray cluster, and taking it off.

The applications are submitted together and then watched: ``deploy`` returns once every one
is RUNNING, or raises :class:`DeployFailed` with the first reason a replica gave (for
instance a refused store) instead of Serve's traceback.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from ray import serve
from ray.serve.api import RunTarget

from apps.deploy.applications import model_application, presenter_application
from apps.deploy.plan import Plan, model_app
from config.sections import DeploySettings

REFUSAL = re.compile(r"ReplicaRefused: (.+)")
FAILED = {"DEPLOY_FAILED", "UNHEALTHY"}


class DeployFailed(RuntimeError):
    """An application did not reach RUNNING; the message is one line with the reason."""


@dataclass(frozen=True)
class AppState:
    name: str
    status: str
    replicas: dict[str, int]  # deployment -> running replicas
    message: str


def quiet_serve_logs() -> None:
    """Serve logs each step at INFO on stderr (its import sets that level); the ``bot``
    command prints its own summary instead. Call after importing this module."""
    logging.getLogger("ray.serve").setLevel(logging.WARNING)


def start_serve(d: DeploySettings) -> None:
    """Serve's proxies on ``deploy.host:port`` (kept as they are if Serve already runs)."""
    serve.start(proxy_location=d.proxy_location,
                http_options={"host": d.host, "port": d.port})


def targets(plan: Plan) -> list[RunTarget]:
    models = [RunTarget(model_application(plan, profile), name=model_app(profile),
                        route_prefix=None) for profile in plan.models]
    return models + [RunTarget(presenter_application(plan, p), name=p.app,
                               route_prefix=p.route_prefix) for p in plan.presenters]


def deploy(plan: Plan, wait_s: float) -> list[AppState]:
    """Submit every application of ``plan`` and wait until all are RUNNING."""
    serve.run_many(targets(plan), wait_for_ingress_deployment_creation=False,
                   wait_for_applications_running=False)
    return wait_running(plan.app_names, wait_s)


def wait_running(names: list[str], wait_s: float) -> list[AppState]:
    deadline = time.monotonic() + wait_s
    while True:
        states = app_states(names)
        failed = [s for s in states if s.status in FAILED]
        if failed:
            raise DeployFailed(f"{failed[0].name} failed to start: {failed[0].message}")
        if all(s.status == "RUNNING" for s in states):
            return states
        if time.monotonic() > deadline:
            waiting = ", ".join(f"{s.name} {s.status}" for s in states if s.status != "RUNNING")
            raise DeployFailed(
                f"not running after {wait_s:.0f}s ({waiting}). Fix: check that the cluster has "
                "the CPUs the replicas ask for (`ray status`; deploy.replica_cpus) and see "
                "the Serve logs on the head node (/tmp/ray/session_latest/logs/serve)")
        time.sleep(1.0)


def app_states(names: list[str] | None = None) -> list[AppState]:
    """The bot's applications on the cluster (``names``, or every ``bot-*`` one)."""
    apps = serve.status().applications
    chosen = names if names is not None else sorted(n for n in apps if n.startswith("bot-"))
    out = []
    for name in chosen:
        app = apps.get(name)
        if app is None:
            out.append(AppState(name, "NOT_DEPLOYED", {}, ""))
            continue
        replicas = {d: running(n.replica_states) for d, n in app.deployments.items()}
        messages = [app.message, *(d.message for d in app.deployments.values())]
        out.append(AppState(name, str(app.status.value if hasattr(app.status, "value")
                                      else app.status), replicas, reason(messages)))
    return out


def running(replica_states: Any) -> int:
    """Replicas in state RUNNING (Serve keys the counts by an enum that is also a str)."""
    return sum(n for state, n in replica_states.items() if state == "RUNNING")


def reason(messages: list[str]) -> str:
    """The one line worth reading in Serve's status messages: a replica's refusal if any."""
    text = "\n".join(m for m in messages if m)
    refused = REFUSAL.findall(text)
    if refused:
        return refused[-1].strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def delete(names: list[str]) -> None:
    for name in names:
        serve.delete(name)
