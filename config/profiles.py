"""Backend profiles and the built-in presets every installation knows by name."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr

BackendKind = Literal["openai", "llamacpp", "scripted", "function"]


class ProfileSettings(BaseModel):
    """One named LLM backend configuration; roles point at profiles by name."""

    model_config = {"extra": "forbid"}

    kind: BackendKind = "openai"
    base_url: str | None = None
    model: str = ""
    api_key: SecretStr | None = None
    api_key_env: str | None = None
    price_in: float = Field(0.0, ge=0, description="USD per million input tokens")
    price_out: float = Field(0.0, ge=0, description="USD per million output tokens")
    temperature: float | None = None
    max_tokens: int | None = Field(None, gt=0)
    context_tokens: int = Field(8192, gt=256, description="history budget sent to the model")
    timeout_s: float = Field(60.0, gt=0, description="one request's deadline")
    max_retries: int = Field(2, ge=0, le=10)
    retry_backoff_s: float = Field(0.5, ge=0, description="first retry's backoff cap; doubles")
    fallbacks: list[str] = Field(default_factory=list)
    cooldown_s: float = Field(30.0, ge=0)
    small: bool | None = Field(
        None, description="a small model: the pipeline shows only what the passages support; "
        "default: true for llamacpp"
    )
    fixed_shape: Literal["json_schema", "json_object", "tool", "none"] = Field(
        "json_schema", description="how verdicts in a fixed shape are asked for: json_schema "
        "(OpenAI structured outputs, vLLM, Ollama; a grammar on llamacpp), json_object "
        "(response_format type json_object with a schema: llama-cpp-python's server, "
        "Together, Fireworks), tool (a forced tool call, for servers with tool use only), "
        "none (free text, read by the rules)")
    # llamacpp
    model_path: str | None = None
    chat_format: str | None = None
    n_ctx: int = Field(4096, gt=0)
    n_threads: int | None = None
    repeat_penalty: float = Field(1.0, gt=0, description="above 1 discourages repetition")
    stall_timeout_s: float = Field(
        30.0, gt=0, description="embedded: no token for this long means the worker hung")
    deployment: str | None = Field(
        None, description="set by `bot deploy`: the Ray Serve deployment (app/name) that "
        "runs this profile's model for every replica")
    # scripted / function
    replies: list[str] = Field(default_factory=list)
    function: str | None = None
    latency_s: float = Field(0.0, ge=0)

    def is_small(self) -> bool:
        """Whether answers need checking against the passages (embedded models by default)."""
        return self.kind == "llamacpp" if self.small is None else self.small


def _hosted(base_url: str, env: str, model: str) -> dict[str, Any]:
    return {"kind": "openai", "base_url": base_url, "api_key_env": env, "model": model}


def _server(port: int, model: str) -> dict[str, Any]:
    return {"kind": "openai", "base_url": f"http://127.0.0.1:{port}/v1", "model": model}


def _priced(price_in: float, price_out: float) -> dict[str, Any]:
    """USD per million tokens, as published when the preset was written (docs/configuration.md
    names each source; prices change, so a profile may set its own)."""
    return {"price_in": price_in, "price_out": price_out, "context_tokens": 32000}


# Vertex AI's OpenAI-compatible endpoint names the Google Cloud project and region in its path.
_VERTEX_REGION = "${GOOGLE_CLOUD_LOCATION:-us-central1}"
VERTEX_URL = (f"https://{_VERTEX_REGION}-aiplatform.googleapis.com/v1/projects/"
              f"${{GOOGLE_CLOUD_PROJECT}}/locations/{_VERTEX_REGION}/endpoints/openapi")


PRESETS: dict[str, dict[str, Any]] = {
    "local": {"kind": "llamacpp", "model": "SmolLM2-135M-Instruct", "context_tokens": 1536,
              "n_ctx": 2048, "temperature": 0.0, "max_tokens": 256, "timeout_s": 120.0,
              # in-process: a retry would only repeat the same failure
              "max_retries": 0, "repeat_penalty": 1.2, "small": True},
    "openai": {**_hosted("https://api.openai.com/v1", "OPENAI_API_KEY", "gpt-4o-mini"),
               "price_in": 0.15, "price_out": 0.60, "context_tokens": 32000},
    "together": _hosted("https://api.together.xyz/v1", "TOGETHER_API_KEY",
                        "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
    "fireworks": _hosted("https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY",
                         "accounts/fireworks/models/llama-v3p1-8b-instruct"),
    "groq": _hosted("https://api.groq.com/openai/v1", "GROQ_API_KEY", "llama-3.1-8b-instant"),
    "openrouter": _hosted("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY",
                          "meta-llama/llama-3.1-8b-instruct"),
    "anthropic": {**_hosted("https://api.anthropic.com/v1/", "ANTHROPIC_API_KEY",
                            "claude-haiku-4-5"), **_priced(1.00, 5.00)},
    "cohere": {**_hosted("https://api.cohere.ai/compatibility/v1", "CO_API_KEY",
                         "command-a-03-2025"), **_priced(2.50, 10.00)},
    "gemini": {**_hosted("https://generativelanguage.googleapis.com/v1beta/openai/",
                         "GEMINI_API_KEY", "gemini-2.5-flash"), **_priced(0.30, 2.50)},
    "vertex": {**_hosted(VERTEX_URL, "VERTEX_ACCESS_TOKEN", "google/gemini-2.5-flash"),
               **_priced(0.30, 2.50)},
    # Hugging Face: the router (Inference Providers) bills at each provider's price, and an
    # Inference Endpoint by the hour, so neither has a per-token price here.
    "huggingface": _hosted("https://router.huggingface.co/v1", "HF_TOKEN",
                           "meta-llama/Llama-3.1-8B-Instruct"),
    "hf-endpoint": _hosted("${HF_ENDPOINT_URL}/v1/", "HF_TOKEN", ""),
    "tgi": _server(8080, ""),  # TGI serves one model, whatever the request names
    "vllm": _server(8000, ""),
    "ollama": _server(11434, "llama3.2"),
    "llamacpp-server": _server(8080, ""),
    "scripted": {"kind": "scripted", "replies": []},
    "echo": {"kind": "function", "function": "echo"},  # a function the backend ships
}


def merge_presets(user: dict[str, Any] | None) -> dict[str, Any]:
    """Presets overlaid by the user's profiles; a user profile may refine a preset field-wise."""
    merged: dict[str, Any] = {name: dict(p) for name, p in PRESETS.items()}
    for name, value in (user or {}).items():
        if isinstance(value, BaseModel):
            value = value.model_dump(exclude_unset=True)
        if not isinstance(value, dict):  # not a table: validation names the field
            merged[name] = value
            continue
        merged[name] = {**merged.get(name, {}), **value}
    return merged
