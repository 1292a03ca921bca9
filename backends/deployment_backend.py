"""An LLM served by a Ray Serve deployment: how replicas share one embedded model.

``bot deploy`` runs each embedded (llamacpp) profile once, as its own deployment, and points
the profile at it (``profiles.<name>.deployment = "app/deployment"``); every presenter
replica then builds this backend instead of loading its own copy. Requests queue at the
deployment, tokens stream back through a deployment handle, and closing the stream cancels
the generation there. Ray is imported on the first request, inside a replica.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from backends.deployment_wire import chunk_from
from config.profiles import ProfileSettings
from contracts.llm import LLMChunk, LLMRequest, TextChunk
from contracts.llm_errors import (
    LLMConnectionError,
    LLMError,
    LLMNotConfigured,
    LLMRateLimited,
    LLMServerError,
)


class DeploymentLLM:
    """Streams from the model deployment ``app/deployment`` through a Serve handle."""

    def __init__(self, profile: str, settings: ProfileSettings, app: str, deployment: str) -> None:
        self.profile = profile
        self.model = settings.model or deployment
        self.price_in, self.price_out = settings.price_in, settings.price_out
        self.app, self.deployment = app, deployment
        self._handle: Any = None

    @classmethod
    def from_profile(cls, name: str, profile: ProfileSettings) -> DeploymentLLM:
        app, _, deployment = (profile.deployment or "").partition("/")
        if not app or not deployment:
            raise LLMNotConfigured(
                f"profiles.{name}.deployment must be 'app/deployment', got "
                f"{profile.deployment!r}", profile=name)
        return cls(name, profile, app, deployment)

    def _stream_handle(self) -> Any:
        if self._handle is None:
            from ray import serve

            handle = serve.get_deployment_handle(self.deployment, app_name=self.app)
            self._handle = handle.options(stream=True)
        return self._handle

    async def stream(self, request: LLMRequest) -> AsyncGenerator[LLMChunk, None]:
        shown = False
        try:
            responses = self._stream_handle().generate.remote(request.model_dump(mode="json"))
            async for item in responses:
                chunk = chunk_from(item, self.profile)
                shown = shown or isinstance(chunk, TextChunk)
                yield chunk
        except LLMError as exc:
            exc.text_shown = shown
            raise
        except Exception as exc:  # Ray's: the deployment is gone, full, or not deployed
            error = self._ray_error(exc)
            error.text_shown = shown
            raise error from exc

    def _ray_error(self, exc: Exception) -> LLMError:
        name = type(exc).__name__
        where = f"the model deployment {self.app}/{self.deployment}"
        if name == "BackPressureError":
            return LLMRateLimited(f"{where} has too many requests queued", profile=self.profile)
        if "Actor" in name or "Unavailable" in name:
            return LLMConnectionError(f"{where} is unreachable ({name})", profile=self.profile)
        if name == "RayServeException":
            return LLMNotConfigured(f"{where} is not running. Fix: run `bot deploy` again",
                                    profile=self.profile)
        return LLMServerError(f"{where} failed: {name}: {str(exc)[:200]}", profile=self.profile)

    async def aclose(self) -> None:
        self._handle = None
