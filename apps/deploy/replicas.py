"""The Ray Serve deployments: a presenter replica, and an embedded model shared by them.

Imported only where Ray Serve runs (``bot deploy``, ``bot serve … --ray`` and the replicas
themselves), never by ``bot --help``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import structlog
from ray import serve

from apps.deploy.replica_headers import ReplicaHeaders
from apps.deploy.shared_state import require_reachable_store, require_shared_state
from backends.deployment_wire import serve_stream
from bot.registry import load
from config import Settings

log = structlog.get_logger("apps.deploy")


def prepare_process(settings: Settings) -> None:
    """Logging and secret redaction as ``bot`` sets them up, in this replica's process."""
    from apps.cli.runtime import collect_secrets
    from bot.logging import configure_logging
    from contracts.secrets import register_secret

    configure_logging(settings.log.level, settings.log.format, settings.log.file)
    for secret in collect_secrets(settings):
        register_secret(secret)


@serve.ingress()
class PresenterReplica:
    """One replica of an HTTP presenter: the ASGI app its factory builds from the settings.

    Serve builds the app once, when the replica starts: that is where it refuses to start
    (and so to join) when the settings keep state per replica or the store cannot be
    reached; Serve then reports the deployment as failed with the reason.
    """

    def __init__(self, settings: Settings, presenter: str, factory: str) -> None:
        self.settings, self.presenter, self.factory = settings, presenter, factory

    def __serve_build_asgi_app__(self) -> Any:
        prepare_process(self.settings)
        require_shared_state(self.settings, [self.presenter])
        require_reachable_store(self.settings)
        replica = serve.get_replica_context().replica_id.unique_id
        log.info("replica_started", presenter=self.presenter, replica=replica)
        return ReplicaHeaders(load(self.factory)(self.settings), replica)


class EmbeddedModel:
    """One copy of an embedded (llamacpp) model, in its supervised worker process.

    Every presenter replica streams from it through a deployment handle
    (:class:`backends.deployment_backend.DeploymentLLM`); requests queue for the model.
    """

    def __init__(self, settings: Settings, profile: str) -> None:
        from backends.llamacpp_backend import LlamaCppBackend

        prepare_process(settings)
        self.llm = LlamaCppBackend.from_profile(profile, settings.profile(profile))

    async def generate(self, request: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        async for item in serve_stream(self.llm, request):
            yield item

    async def __del__(self) -> None:
        await self.llm.aclose()
