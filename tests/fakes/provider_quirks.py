"""How each provider's OpenAI-compatible endpoint differs from OpenAI's, for the fake server.

``FakeOpenAI(provider="gemini")`` speaks that provider's dialect: where it accepts the key,
the shape and status of its errors, its model listing (or its absence), where it puts
usage in a stream. Sources are named in docs/configuration.md ("Providers"); where a
provider documents nothing, the choice below says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Provider = Literal["openai", "anthropic", "cohere", "gemini", "vertex", "huggingface",
                   "hf-endpoint", "tgi"]
ErrorShape = Literal["openai", "anthropic", "google", "google-list", "flat", "message"]
Listing = Literal["openai", "anthropic", "google", "tgi", "none"]


@dataclass(frozen=True)
class Quirks:
    key_headers: tuple[str, ...] = ("authorization",)  # "authorization": "Bearer <key>"
    errors: ErrorShape = "openai"
    bad_key: tuple[int, str] = (401, "Incorrect API key provided.")
    listing: Listing = "openai"
    listing_needs: str | None = None  # a header the listing refuses to answer without
    usage_on_finish: bool = False  # usage rides on the finish chunk, not a chunk of its own


QUIRKS: dict[str, Quirks] = {
    "openai": Quirks(),
    # Anthropic: Bearer or x-api-key; {"type": "error", "error": {...}}; its native /v1/models
    # requires the anthropic-version header, which OpenAI clients do not send.
    "anthropic": Quirks(key_headers=("authorization", "x-api-key"), errors="anthropic",
                        bad_key=(401, "invalid x-api-key"), listing="anthropic",
                        listing_needs="anthropic-version"),
    # Cohere's compatibility API: {"message": ...} errors (its native shape); a model listing
    # under /compatibility/v1 is not documented, so the fake has none.
    "cohere": Quirks(errors="message", bad_key=(401, "invalid api token"), listing="none"),
    # Gemini: Bearer or x-goog-api-key; errors are a JSON list; a bad key is HTTP 400 with
    # reason API_KEY_INVALID; models are listed as "models/<id>".
    "gemini": Quirks(key_headers=("authorization", "x-goog-api-key"), errors="google-list",
                     bad_key=(400, "API key not valid. Please pass a valid API key."),
                     listing="google"),
    # Vertex AI: an OAuth access token as Bearer; Google's error object; no model listing.
    "vertex": Quirks(errors="google", listing="none",
                     bad_key=(401, "Request had invalid authentication credentials.")),
    # Hugging Face's router and Inference Endpoints (TGI behind HF's gateway): flat errors;
    # TGI puts usage on the finish chunk.
    "huggingface": Quirks(errors="flat", bad_key=(401, "Invalid credentials in Authorization "
                                                  "header")),
    "hf-endpoint": Quirks(errors="flat", listing="tgi", usage_on_finish=True,
                          bad_key=(401, "Invalid credentials in Authorization header")),
    "tgi": Quirks(errors="flat", listing="tgi", usage_on_finish=True),
}

_ANTHROPIC_TYPES = {400: "invalid_request_error", 401: "authentication_error",
                    403: "permission_error", 404: "not_found_error", 429: "rate_limit_error",
                    529: "overloaded_error"}
_GOOGLE_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                  404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE"}


def presented_key(quirks: Quirks, headers: Mapping[str, str]) -> str | None:
    """The key a request carries in any header this provider accepts."""
    for name in quirks.key_headers:
        value = headers.get(name)
        if value is None:
            continue
        if name != "authorization":
            return value
        if value.startswith("Bearer "):
            return value.removeprefix("Bearer ")
    return None


def error_json(quirks: Quirks, status: int, message: str, openai_body: Any) -> Any:
    """The provider's error body; ``openai_body`` is OpenAI's own for the same error."""
    if quirks.errors == "anthropic":
        kind = _ANTHROPIC_TYPES.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}
    if quirks.errors in ("google", "google-list"):
        error: dict[str, Any] = {"code": status, "message": message,
                                 "status": _GOOGLE_STATUS.get(status, "INTERNAL")}
        if (status, message) == quirks.bad_key:
            error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                 "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]
        return [{"error": error}] if quirks.errors == "google-list" else {"error": error}
    if quirks.errors == "flat":
        return {"error": message, "error_type": "authentication" if status == 401 else "error"}
    if quirks.errors == "message":
        return {"message": message}
    return openai_body


def listing_json(quirks: Quirks, models: list[str]) -> Any:
    """The body of ``GET .../models`` in the provider's shape."""
    if quirks.listing == "anthropic":
        data = [{"type": "model", "id": m, "display_name": m, "created_at":
                 "2025-10-01T00:00:00Z"} for m in models]
        return {"data": data, "has_more": False, "first_id": models[0], "last_id": models[-1]}
    if quirks.listing == "google":
        return {"object": "list", "data": [{"id": f"models/{m}", "object": "model",
                                            "owned_by": "google"} for m in models]}
    owner = "tgi" if quirks.listing == "tgi" else "fake"
    return {"object": "list", "data": [{"id": m, "object": "model", "created": 0,
                                        "owned_by": owner} for m in models]}
