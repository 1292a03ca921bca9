"""``bot deploy [up|status|down]`` and ``bot serve api|slack --ray``: the bot on Ray Serve.

``bot deploy`` puts the presenters of ``deploy.apps`` on a running Ray cluster and returns;
they keep serving until ``bot deploy down``. ``bot serve … --ray`` does the same in the
foreground (on a cluster, or on a Ray of its own) and takes them down on Ctrl-C.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

ACTIONS = ["up", "status", "down"]
ENDPOINTS = {"api": "/v1/chat/completions", "slack": "/slack/events"}


def register(sub: Any) -> None:
    p = sub.add_parser("deploy", help="run the HTTP presenters as replicas on a Ray cluster")
    p.add_argument("action", nargs="?", choices=ACTIONS, default="up",
                   help="up (default): deploy or update; status; down: remove")
    p.add_argument("--address", help="the Ray cluster, HOST:PORT of its head (deploy.address)")
    p.add_argument("--replicas", type=int, help="replicas per presenter (deploy.replicas)")
    p.add_argument("--apps", help="comma-separated presenters: api, slack (deploy.apps)")
    p.set_defaults(handler="apps.cli.deploy:deploy")


def with_flags(settings: Any, args: argparse.Namespace) -> Any:
    """``settings`` with the deploy flags applied (validated like the file's values)."""
    updates: dict[str, Any] = {}
    if getattr(args, "address", None):
        updates["address"] = args.address
    if getattr(args, "replicas", None):
        updates["replicas"] = args.replicas
    if getattr(args, "apps", None):
        updates["apps"] = [a.strip() for a in args.apps.split(",") if a.strip()]
    if not updates:
        return settings
    from config.sections import DeploySettings

    section = DeploySettings.model_validate({**settings.deploy.model_dump(), **updates})
    return settings.model_copy(update={"deploy": section})


def deploy(args: argparse.Namespace, settings: Any) -> int:
    from apps.deploy.cluster import ClusterUnavailable, cluster_address

    settings = with_flags(settings, args)
    address = cluster_address(settings.deploy.address)
    if address is None:
        return _fail("no Ray cluster to deploy to. Fix: start one (`ray start --head`, see "
                     "docs/deploy.md) and pass --address HOST:PORT, or set deploy.address "
                     "(BOT_DEPLOY__ADDRESS) or RAY_ADDRESS", 2)
    if args.action == "up" and (code := _refuse_unshareable(settings, settings.deploy.apps)):
        return code
    try:
        from apps.deploy.cluster import join

        join(address)
        return _act(args.action, settings, address)
    except ClusterUnavailable as exc:
        return _fail(str(exc), 2)


def _act(action: str, settings: Any, address: str) -> int:
    from apps.deploy import serve_apps
    from apps.deploy.plan import make_plan

    serve_apps.quiet_serve_logs()
    plan = make_plan(settings)
    if action == "status":
        _print_states(serve_apps.app_states(), settings)
        return 0
    if action == "down":
        serve_apps.delete(plan.app_names)
        print(f"removed {', '.join(plan.app_names)} from the Ray cluster at {address}")
        return 0
    try:
        serve_apps.start_serve(settings.deploy)
        states = serve_apps.deploy(plan, settings.deploy.wait_s)
    except serve_apps.DeployFailed as exc:
        return _fail(str(exc), 1)
    print(f"deployed to the Ray cluster at {address}:")
    _print_states(states, settings)
    return 0


def serve_on_ray(presenter: str, settings: Any) -> int:
    """``bot serve api|slack --ray``: deploy, serve until SIGINT/SIGTERM, then remove."""
    from apps.deploy.cluster import ClusterUnavailable, cluster_address, join, start_local

    if code := _refuse_unshareable(settings, [presenter]):
        return code
    address = cluster_address(settings.deploy.address)
    try:
        join(address) if address else start_local()
    except ClusterUnavailable as exc:
        return _fail(str(exc), 2)
    return _serve_until_stopped(presenter, settings, address or "a Ray of this process")


def _serve_until_stopped(presenter: str, settings: Any, where: str) -> int:
    import ray

    from apps.deploy import serve_apps
    from apps.deploy.plan import make_plan

    serve_apps.quiet_serve_logs()
    plan = make_plan(settings, [presenter])
    # On the way out remove only what this run added: an embedded model application that
    # `bot deploy` put there before is shared with its replicas.
    before = {s.name for s in serve_apps.app_states() if s.status != "NOT_DEPLOYED"}
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        serve_apps.start_serve(settings.deploy)
        states = serve_apps.deploy(plan, settings.deploy.wait_s)
        print(f"serving on {where} until Ctrl-C:", flush=True)
        _print_states(states, settings)
        stop.wait()
        return 0
    except serve_apps.DeployFailed as exc:
        return _fail(str(exc), 1)
    finally:
        serve_apps.delete([name for name in plan.app_names if name not in before])
        ray.shutdown()


def _refuse_unshareable(settings: Any, presenters: list[str]) -> int:
    from apps.deploy.shared_state import shared_state_problems

    problems = shared_state_problems(settings, presenters)
    for problem in problems:
        print(f"Cannot deploy replicas: {problem}", file=sys.stderr)
    return 2 if problems else 0


def _print_states(states: list[Any], settings: Any) -> None:
    from apps.deploy.plan import PRESENTER_APPS

    d = settings.deploy
    host = "localhost" if d.host in ("0.0.0.0", "::") else d.host
    presenters = {app: name for name, (app, _, _) in PRESENTER_APPS.items()}
    for s in states:
        replicas = ", ".join(f"{dep} ×{n}" for dep, n in s.replicas.items()) or "-"
        url = ENDPOINTS.get(presenters.get(s.name, ""), "")
        where = f"http://{host}:{d.port}{url}" if url else "called by the replicas"
        print(f"  {s.name:<18} {s.status:<12} {replicas:<20} {where}")
        if s.message and s.status != "RUNNING":
            print(f"    {s.message}")


def _fail(message: str, code: int) -> int:
    print(f"bot deploy: {message}", file=sys.stderr)
    return code
