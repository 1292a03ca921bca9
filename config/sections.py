"""Settings sections for each part of the bot. Each presenter or subsystem owns one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from config.presenters import with_replicas

RoleName = Literal["primary", "router", "query_writer", "extractor", "judge"]
ROLES: tuple[RoleName, ...] = get_args(RoleName)


class RolesSettings(BaseModel):
    """Which profile does each job. Unset roles use the primary role's profile."""

    model_config = {"extra": "forbid"}

    primary: str = "local"
    router: str | None = None
    query_writer: str | None = None
    extractor: str | None = None
    judge: str | None = None

    def profile_for(self, role: str) -> str:
        return getattr(self, role, None) or self.primary


class StoreSettings(BaseModel):
    model_config = {"extra": "forbid"}

    url: SecretStr | None = Field(
        None, description="postgresql://... or sqlite:///path; default: SQLite in data_dir"
    )
    event_lease_s: float = Field(
        60.0, gt=0, description="a claimed Slack event whose handler stopped renewing it "
        "(its process died) may be answered by a later delivery after this long")


class InputSettings(BaseModel):
    model_config = {"extra": "forbid"}

    max_chars: int = Field(8000, gt=0)


class LogSettings(BaseModel):
    model_config = {"extra": "forbid"}

    level: Literal["debug", "info", "warning", "error"] = "warning"
    format: Literal["auto", "console", "json"] = "auto"
    file: Path | None = None


class KnowledgeBaseSettings(BaseModel):
    """The knowledge base (``bot ingest``, ``search_knowledge``); see docs/knowledge-base.md."""

    model_config = {"extra": "forbid"}

    enabled: bool = True
    collection: str = Field("docs", description="Chroma collection searched and ingested into")
    url: str | None = Field(None, description="Chroma server URL; default: embedded in data_dir")
    embedder: Literal["minilm", "openai"] = "minilm"
    model_dir: Path | None = Field(
        None, description="all-MiniLM-L6-v2 ONNX dir (model.onnx + tokenizer.json); default: "
        "Chroma's cache, else the offline packages"
    )
    embedding_profile: str = Field("openai", description="profile for embedder = openai")
    embedding_model: str = "text-embedding-3-small"
    embed_batch_size: int = Field(
        32, gt=0, le=2048, description="texts per /v1/embeddings request (embedder = openai); "
        "minilm runs micro-batches of 4 texts per core"
    )
    embed_threads: int | None = Field(
        None, gt=0, description="minilm batches embedded in parallel, one core each; "
        "default: one per core"
    )
    quantize: bool = Field(
        True, description="int8-quantize the MiniLM model once into data_dir/models (about 2x "
        "faster embedding; needs the onnx package, else the original model is used)"
    )
    top_k: int = Field(4, gt=0, le=50)
    min_score: float = Field(0.2, ge=-1, le=1, description="cosine similarity floor")
    retrieval: Literal["hybrid", "dense", "lexical"] = Field(
        "hybrid", description="hybrid: vectors and BM25 fused; dense: vectors only; lexical: "
        "BM25 only"
    )
    candidates: int = Field(
        60, gt=0, le=1000, description="passages each ranking contributes to the fusion; "
        "with max_per_source, the depth over which files take turns"
    )
    rrf_k: int = Field(60, gt=0, description="reciprocal-rank fusion constant")
    dense_weight: float = Field(1.0, ge=0, description="weight of the vector ranking")
    lexical_weight: float = Field(1.0, ge=0, description="weight of the BM25 ranking")
    identifier_weight: float = Field(
        1.0, ge=0, description="boost for passages holding a question's identifiers "
        "(work_mem, os.path.join, --flag) exactly; 0 = off"
    )
    coverage_weight: float = Field(
        1.0, ge=0, description="weight of ranking the fused passages again by how many of "
        "the question's words each holds; 0 = off"
    )
    page_weight: float = Field(
        0.5, ge=0, description="weight of ranking the fused passages again by how well "
        "their page (file) ranks in the vector, word and identifier rankings; 0 = off"
    )
    max_per_source: int = Field(
        1, ge=0, description="passages one file may fill in a search's results before other "
        "files get theirs, so several files get a say; 0 = no limit"
    )
    rerank_model: str | None = Field(
        None, description="cross-encoder reranker: a folder with model.onnx + tokenizer.json, "
        "or 'package:NAME' for an installed package holding them; none = no reranking"
    )
    rerank_candidates: int = Field(20, gt=0, le=200, description="passages the reranker reads")
    duplicate_score: float = Field(
        0.95, gt=0, le=1, description="passages this similar to a better one are collapsed"
    )
    chunk_tokens: int = Field(
        200, gt=16, le=8192, description="target chunk size; never above the embedder's limit"
    )
    overlap_tokens: int = Field(32, ge=0)
    max_file_mb: float = Field(20.0, gt=0)
    default_docs: list[Path] = Field(
        default_factory=list, description="what `bot kb ensure-default` ingests; default: "
        "the bot's own docs"
    )

    @model_validator(mode="after")
    def _overlap_below_chunk(self) -> KnowledgeBaseSettings:
        if self.overlap_tokens >= self.chunk_tokens:
            raise ValueError(
                f"kb.overlap_tokens ({self.overlap_tokens}) must be below kb.chunk_tokens "
                f"({self.chunk_tokens}). Fix: lower kb.overlap_tokens"
            )
        return self


class PipelineSettings(BaseModel):
    """The pipeline agent's checks for small models; see docs/knowledge-base.md."""

    model_config = {"extra": "forbid"}

    checks: Literal["auto", "on", "off"] = Field(
        "auto", description="route by search scores, keep queries to the user's words, show "
        "only sentences the passages support; auto: on when the primary profile is small"
    )
    min_score: float = Field(
        0.25, ge=-1, le=1, description="with checks: the cosine score a passage needs to count as "
        "covering the question; none does -> answer without the documents, saying so"
    )
    min_support: float = Field(
        0.8, gt=0, le=1, description="with checks: share of a sentence's content words its "
        "passage must contain for the sentence to be shown"
    )


class GradioSettings(BaseModel):
    """The web page (``bot serve gradio``); see docs/gradio.md."""

    model_config = {"extra": "forbid"}

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=0, le=65535)
    share: bool = False
    title: str = "bot"
    description: str = "Ask about your team's documents."
    examples: list[str] = Field(
        default_factory=lambda: ["What can you do?", "How do I connect it to Slack?"]
    )
    concurrency: int = Field(32, gt=0, description="answers streamed at once, all users")
    queue_size: int = Field(256, gt=0, description="requests waiting beyond that; then 'busy'")
    auth_username: str | None = None
    auth_password: SecretStr | None = None
    storage_key: str = Field("bot-session", min_length=1,
                             description="browser localStorage key holding the conversation id")
    storage_secret: SecretStr | None = Field(
        None, description="scrambles that id in the browser; default derived from storage_key")
    stream_interval_s: float = Field(
        0.05, ge=0, le=2, description="at most one page update per interval while answers stream")
    admin_users: list[str] = Field(
        default_factory=list, description="logins that see the Stats tab (needs auth)")

    @model_validator(mode="after")
    def _auth_complete(self) -> GradioSettings:
        if (self.auth_username is None) != (self.auth_password is None):
            missing = "auth_password" if self.auth_password is None else "auth_username"
            raise ValueError(
                f"gradio.{missing} is missing. Fix: set both gradio.auth_username and "
                f"gradio.auth_password (BOT_GRADIO__AUTH_...), or neither to turn auth off"
            )
        return self


class SlackSettings(BaseModel):
    model_config = {"extra": "forbid"}

    mode: Literal["socket", "http"] = "socket"
    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(3000, ge=0, le=65535)
    api_url: str | None = Field(None, description="Slack Web API base URL (tests, proxies)")
    answer_followups: bool = True
    ignore_bots: bool = True
    allowed_channels: list[str] = Field(default_factory=list)
    streaming: Literal["auto", "native", "update"] = "auto"
    update_interval_s: float = Field(1.0, gt=0)
    show_usage: bool = False
    suggested_prompts: list[str] = Field(
        default_factory=lambda: ["What can you do?", "Search the docs for setup steps"]
    )
    answer_dms: bool = True
    greeting: str = Field(
        "Hi! Ask me anything about your team's documents.",
        description="posted when a user opens an assistant thread; empty for none",
    )
    api_retries: int = Field(3, ge=0, le=10, description="retries of a rate-limited API call")
    ping_interval_s: float = Field(10.0, gt=0, description="Socket Mode keep-alive ping")
    shutdown_grace_s: float = Field(30.0, ge=0, description="wait for answers in flight on exit")
    # Per-channel behaviour and the commands: config/slack_channels.py, docs/slack.md.
    channels: dict[str, dict[str, Any]] = Field(default_factory=dict)
    ask_command: str = Field("/ask", pattern=r"^/[a-z0-9_-]{1,31}$")
    thread_read_interval_s: float = Field(60.0, ge=0, description="least time between two "
                                          "thread reads (conversations.replies), all threads")
    thread_read_limit: int = Field(15, ge=1, le=1000, description="messages per thread read")

    @field_validator("channels")
    @classmethod
    def _channels(cls, channels: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from config.slack_channels import validate_channels

        return validate_channels(channels)


API_KEY_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MIN_API_KEY_CHARS = 16


class ApiSettings(BaseModel):
    """The OpenAI-compatible HTTP API (``bot serve api``); see docs/api.md."""

    model_config = {"extra": "forbid"}

    host: str = "127.0.0.1"
    port: int = Field(8088, ge=0, le=65535)
    keys: dict[str, SecretStr] = Field(
        default_factory=dict, description="name -> bearer key; the name (never the key) is "
        "what the store, logs and budgets see")
    model_name: str = Field("bot", min_length=1, description="the model id clients ask for")
    max_body_bytes: int = Field(1_048_576, gt=0, le=64 * 1_048_576,
                                description="larger request bodies get HTTP 413")
    max_history_messages: int = Field(200, gt=0, description="earlier messages one request "
                                      "may carry; more get HTTP 400")
    conversation_headers: list[str] = Field(
        default_factory=lambda: ["X-Bot-Conversation", "X-OpenWebUI-Chat-Id"],
        description="request headers that name the conversation, first found wins")
    sources_in_text: bool = Field(True, description="append a numbered source list to the text")

    @field_validator("keys")
    @classmethod
    def _keys_usable(cls, keys: dict[str, SecretStr]) -> dict[str, SecretStr]:
        seen: set[str] = set()
        for name, key in keys.items():
            if not API_KEY_NAME.fullmatch(name):
                raise ValueError(f"api.keys name {name!r} must be 1-64 letters, digits, '.', '_' "
                                 "or '-'. Fix: rename it (the name is the key's id in the store)")
            secret = key.get_secret_value()
            if len(secret) < MIN_API_KEY_CHARS:
                raise ValueError(
                    f"api.keys.{name} is shorter than {MIN_API_KEY_CHARS} characters. Fix: use a "
                    "random key: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
            if secret in seen:
                raise ValueError(f"api.keys.{name} repeats another key's value. Fix: give each "
                                 "name its own key, so the name identifies the caller")
            seen.add(secret)
        return keys


def _replicated_choices() -> str:
    return " or ".join(f'"{name}"' for name in with_replicas())


def _replicated(name: str) -> str:
    """A presenter that runs as Ray Serve replicas (config/presenters.py)."""
    if name not in with_replicas():
        raise ValueError(f"{name!r} has no Ray Serve replicas. Fix: list {_replicated_choices()}")
    return name


class DeploySettings(BaseModel):
    """``bot deploy`` and ``bot serve api --ray``: the bot as Ray Serve applications, its
    HTTP presenters in several replicas behind one address (see docs/deploy.md)."""

    model_config = {"extra": "forbid"}

    address: str | None = Field(
        None, description="the Ray cluster (head's host:port); default: RAY_ADDRESS, else a "
        "Ray started on this machine")
    apps: list[Annotated[str, AfterValidator(_replicated)]] = Field(
        default_factory=lambda: ["api"], description="HTTP presenters to deploy: the API at "
        "/, Slack's events endpoint at /slack/events")
    host: str = Field("0.0.0.0", description="where Serve's HTTP proxies listen")
    port: int = Field(8000, ge=1, le=65535)
    proxy_location: Literal["EveryNode", "HeadOnly"] = Field(
        "EveryNode", description="a proxy on every node (put a load balancer in front), or "
        "on the head only")
    replicas: int = Field(2, ge=1, description="replicas of each presenter, unless autoscaled")
    min_replicas: int | None = Field(
        None, ge=0, description="autoscaling lower bound; set with max_replicas to autoscale")
    max_replicas: int | None = Field(None, ge=1, description="autoscaling upper bound")
    target_ongoing_requests: float = Field(
        16.0, gt=0, description="requests in flight per replica the autoscaler aims for")
    max_ongoing_requests: int = Field(
        128, gt=0, description="requests one replica takes at once; more wait in the proxy")
    replica_cpus: float = Field(0.5, ge=0, description="CPUs reserved per presenter replica")
    max_replicas_per_node: int | None = Field(
        None, gt=0, description="spread replicas over nodes so one lost machine loses fewer")
    embedded_replicas: int = Field(
        1, ge=1, description="copies of each embedded (llamacpp) model, shared by all replicas")
    embedded_cpus: float = Field(1.0, ge=0, description="CPUs reserved per embedded model copy")
    wait_s: float = Field(600.0, gt=0, description="how long `bot deploy` waits for RUNNING")

    @model_validator(mode="after")
    def _bounds_together(self) -> DeploySettings:
        if (self.min_replicas is None) != (self.max_replicas is None):
            raise ValueError(
                "deploy.min_replicas and deploy.max_replicas go together. Fix: set both to "
                "autoscale, or neither for a fixed deploy.replicas")
        if self.min_replicas is not None and self.max_replicas is not None \
                and self.min_replicas > self.max_replicas:
            raise ValueError(
                f"deploy.min_replicas ({self.min_replicas}) is above deploy.max_replicas "
                f"({self.max_replicas}). Fix: lower min_replicas or raise max_replicas")
        if not self.apps:
            raise ValueError(f"deploy.apps is empty. Fix: list {_replicated_choices()}")
        return self

    @property
    def autoscaled(self) -> bool:
        return self.max_replicas is not None


class EvalSettings(BaseModel):
    """``bot eval``: data field names, the judging criterion, pacing and where results go."""

    model_config = {"extra": "forbid"}

    context_field: str = "article_sent"
    correct_field: str = "correct_sent"
    incorrect_field: str = "incorrect_sent"
    id_field: str = Field("id", description="item id field; items without one get a content hash")
    criterion: str = (
        "Which candidate sentence is a correct summary of the context, stating only facts "
        "that the context supports?"
    )
    environments: list[str] = Field(
        default_factory=list, description="prompt sets to compare; default: `environment`"
    )
    backends: list[str] = Field(
        default_factory=list, description="profiles to compare; default: the judge role's"
    )
    extractor_profile: str | None = Field(
        None, description="profile for the extractor's fallback; default: roles.extractor if "
        "set, else the backend under test"
    )
    max_tokens: int | None = Field(None, gt=0, description="cap on each judge reply's tokens")
    concurrency: int = Field(8, gt=0, le=1024, description="items in flight at once")
    requests_per_s: float | None = Field(
        None, gt=0, description="cap on LLM requests per second per backend; default: none"
    )
    out_dir: Path = Field(Path("eval-runs"), description="where runs are written")


class TracingSettings(BaseModel):
    """OpenTelemetry export of each turn's spans (``pip install 'bot[otel]'``); off by default."""

    model_config = {"extra": "forbid"}

    enabled: bool = False
    endpoint: str = Field("http://127.0.0.1:4318/v1/traces",
                          description="OTLP/HTTP traces URL (a collector, Jaeger, Tempo, …)")
    headers: dict[str, SecretStr] = Field(
        default_factory=dict, description="sent with every export, e.g. an auth token")
    service_name: str = "bot"
    include_text: bool = Field(
        False, description="put the question and the answer on the turn span (secrets redacted)")
    timeout_s: float = Field(10.0, gt=0, description="per export request")
