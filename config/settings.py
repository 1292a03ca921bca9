"""The root Settings and how they are loaded.

Precedence, highest first: CLI flags (passed as overrides) > environment (``BOT_`` prefix,
``__`` for nesting) > ``.env`` > TOML (``bot.toml`` in the working directory, or
``--config PATH`` / ``BOT_CONFIG``) > defaults.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from config.access import AccessSettings, settle_enabled
from config.approvals import ApprovalSettings
from config.budgets import BudgetSettings
from config.mcp import McpSettings
from config.presenters import canonical
from config.profiles import ProfileSettings, merge_presets
from config.sections import (
    ApiSettings,
    DeploySettings,
    EvalSettings,
    GradioSettings,
    InputSettings,
    KnowledgeBaseSettings,
    LogSettings,
    PipelineSettings,
    RolesSettings,
    SlackSettings,
    StoreSettings,
    TracingSettings,
)
from config.sources import SourceSettings
from config.spaces import SpaceSettings, check_spaces

_toml_path: ContextVar[Path | None] = ContextVar("bot_toml_path", default=None)
DEFAULT_TOOLS = ["clock", "calculator", "search_knowledge"]


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "bot"


def toml_path(explicit: str | Path | None = None) -> Path | None:
    """The TOML file in force: ``--config``, else ``BOT_CONFIG``, else ``./bot.toml``."""
    chosen = explicit or os.environ.get("BOT_CONFIG")
    if chosen:
        return Path(chosen).expanduser()
    local = Path("bot.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Everything configurable about the bot."""

    model_config = SettingsConfigDict(
        env_prefix="BOT_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="forbid",
        validate_default=True,
    )

    presenter: str = Field("terminal", description="one of config/presenters.py's names")
    agent: Literal["auto", "tools", "pipeline"] = Field(
        "auto", description="auto: pipeline on the embedded model, tools elsewhere"
    )
    environment: str = Field("default", description="prompt set under config/prompts/")
    prompts_dir: Path | None = Field(None, description="a prompts folder that overrides ours")
    prompts_hot_reload: bool = False
    data_dir: Path = Field(default_factory=default_data_dir)
    turn_timeout_s: float = Field(180.0, gt=0, description="deadline for one whole turn")
    max_tool_steps: int = Field(4, ge=0, le=20)
    tools: list[str] = Field(default_factory=lambda: list(DEFAULT_TOOLS))
    show_stats: bool = False
    roles: RolesSettings = Field(default_factory=lambda: RolesSettings())
    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    store: StoreSettings = Field(default_factory=lambda: StoreSettings())
    input: InputSettings = Field(default_factory=lambda: InputSettings())
    log: LogSettings = Field(default_factory=lambda: LogSettings())
    kb: KnowledgeBaseSettings = Field(default_factory=lambda: KnowledgeBaseSettings())
    pipeline: PipelineSettings = Field(default_factory=lambda: PipelineSettings())
    gradio: GradioSettings = Field(default_factory=lambda: GradioSettings())
    slack: SlackSettings = Field(default_factory=lambda: SlackSettings())
    api: ApiSettings = Field(default_factory=lambda: ApiSettings())
    eval: EvalSettings = Field(default_factory=lambda: EvalSettings())
    tracing: TracingSettings = Field(default_factory=lambda: TracingSettings())
    budgets: BudgetSettings = Field(default_factory=lambda: BudgetSettings())
    spaces: dict[str, SpaceSettings] = Field(
        default_factory=dict, description="places with settings of their own (docs/operations.md)")
    mcp: McpSettings = Field(default_factory=lambda: McpSettings())
    approvals: ApprovalSettings = Field(default_factory=lambda: ApprovalSettings())
    deploy: DeploySettings = Field(default_factory=lambda: DeploySettings())
    sources: dict[str, SourceSettings] = Field(
        default_factory=dict, description="sources that sync themselves (docs/sources.md)")
    access: AccessSettings = Field(default_factory=lambda: AccessSettings())

    @field_validator("presenter", mode="before")
    @classmethod
    def _known_presenter(cls, value: Any) -> Any:
        return canonical(value) if isinstance(value, str) else value  # aliases still work

    @field_validator("profiles", mode="before")
    @classmethod
    def _with_presets(cls, value: Any) -> Any:
        return merge_presets(value if isinstance(value, dict) else {})

    @model_validator(mode="after")
    def _roles_name_profiles(self) -> Settings:
        for role in RolesSettings.model_fields:
            name = getattr(self.roles, role)
            if name is not None and name not in self.profiles:
                known = ", ".join(sorted(self.profiles))
                raise ValueError(
                    f"roles.{role} = {name!r} names no profile. "
                    f"Fix: use one of {known}, or add [profiles.{name}] to bot.toml"
                )
        for pname, profile in self.profiles.items():
            for fb in profile.fallbacks:
                if fb not in self.profiles:
                    raise ValueError(
                        f"profiles.{pname}.fallbacks names unknown profile {fb!r}. "
                        f"Fix: use one of {', '.join(sorted(self.profiles))}"
                    )
        check_spaces(self.spaces, list(self.profiles))
        settle_enabled(self.access, self.sources)
        return self

    def agent_name(self) -> str:
        """The agent to run. ``auto`` gives small embedded models the one-LLM-one-job
        pipeline (they cannot drive a tool loop reliably) and everything else the tools agent.
        """
        if self.agent != "auto":
            return self.agent
        return "pipeline" if self.profile_for_role("primary")[1].kind == "llamacpp" else "tools"

    def profile(self, name: str) -> ProfileSettings:
        return self.profiles[name]

    def profile_for_role(self, role: str) -> tuple[str, ProfileSettings]:
        name = self.roles.profile_for(role)
        return name, self.profiles[name]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _toml_path.get()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings, dotenv_settings]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def load_settings(config: str | Path | None = None, **overrides: Any) -> Settings:
    """Load settings with the documented precedence; ``overrides`` play the CLI flags' part.

    Raises :class:`ConfigFileMissing` when an explicitly named TOML file does not exist, and
    pydantic's ``ValidationError`` for bad values (the CLI turns it into one line per field:
    ``apps.cli.runtime.describe_validation_error``).
    """
    path = toml_path(config)
    if path is not None and not path.is_file():
        raise ConfigFileMissing(path)
    token = _toml_path.set(path)
    try:
        return Settings(**overrides)
    finally:
        _toml_path.reset(token)


class ConfigFileMissing(FileNotFoundError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"config file {path} does not exist. Fix: pass an existing file to --config "
            f"or BOT_CONFIG, or create {path}"
        )
        self.path = path
