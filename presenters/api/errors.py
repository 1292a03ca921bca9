"""Errors in OpenAI's JSON shape, ``{"error": {"message", "type", "param", "code"}}``.

Every error response carries an error id, in its message and the ``X-Bot-Error-Id`` header,
and is logged under that id; a client never sees a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from starlette.responses import JSONResponse

from bot.failures import new_error_id

log = structlog.get_logger("presenters.api")
INVALID = "invalid_request_error"


@dataclass
class ApiError(Exception):
    """A request the API refuses; ``message`` is safe to show the caller."""

    status: int
    message: str
    type: str = INVALID
    param: str | None = None
    code: str | None = None
    error_id: str = ""
    extra: dict[str, Any] | None = None  # e.g. the failed turn, as ``bot`` beside ``error``

    def response(self) -> JSONResponse:
        """The error as OpenAI-shaped JSON, logged under a fresh (or given) error id."""
        error_id = self.error_id or new_error_id()
        log.info("api_error", status=self.status, code=self.code, param=self.param,
                 error_id=error_id, message=self.message[:300])
        message = self.message if error_id in self.message \
            else f"{self.message} (error id: {error_id})"
        body: dict[str, Any] = {"error": {"message": message, "type": self.type,
                                          "param": self.param, "code": self.code}}
        body.update(self.extra or {})
        headers = {"X-Bot-Error-Id": error_id}
        if self.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(body, status_code=self.status, headers=headers)


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message, code="invalid_api_key")


def model_not_found(model: str) -> ApiError:
    return ApiError(404, f"The model `{model}` does not exist or you do not have access to it.",
                    param="model", code="model_not_found")


def too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is larger than {limit:,} bytes. Send a shorter "
                    "conversation.", code="request_too_large")
