"""Settings for MCP both ways: the servers whose tools the bot uses (``[mcp.servers.NAME]``),
and the bot as an MCP server (``[mcp.serve]``, ``bot serve mcp``). See docs/mcp.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

SERVER_NAME = re.compile(r"[A-Za-z0-9_-]{1,32}")


class McpServerSettings(BaseModel):
    """One MCP server: a command run over stdio, or a streamable HTTP URL."""

    model_config = {"extra": "forbid"}

    command: list[str] = Field(
        default_factory=list, description="argv of a stdio server, e.g. [\"mcp-server-time\"]")
    env: dict[str, SecretStr] = Field(
        default_factory=dict, description="extra environment for the stdio command")
    cwd: Path | None = None
    url: str | None = Field(None, description="a streamable HTTP endpoint, e.g. http://host/mcp")
    headers: dict[str, SecretStr] = Field(
        default_factory=dict, description="HTTP headers, e.g. Authorization (kept secret)")
    allow: list[str] | None = Field(
        None, description="the tools offered to the model; default: every tool the server lists")
    ask_first: bool | list[str] = Field(
        False, description="tools that need a person's approval before each call (true: all)")
    namespace: bool = Field(
        False, description="always name tools SERVER_TOOL; otherwise only when names clash")
    timeout_s: float = Field(30.0, gt=0, description="deadline of one tool call")
    tool_timeouts: dict[str, float] = Field(
        default_factory=dict, description="per-tool deadlines that override timeout_s")
    startup_timeout_s: float = Field(
        30.0, gt=0, description="deadline for starting the server and listing its tools")
    max_result_chars: int = Field(
        8000, gt=0, description="longer results are cut, and the model is told so")

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerSettings:
        if bool(self.command) == bool(self.url):
            raise ValueError(
                "an MCP server needs exactly one of command (stdio) or url (streamable HTTP). "
                "Fix: set command = [\"mcp-server-time\"] or url = \"http://127.0.0.1:8765/mcp\"")
        if self.url and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url {self.url!r} is not an http(s) URL. Fix: use http://host/mcp")
        return self

    def asks_first(self, tool: str) -> bool:
        """Whether calls to ``tool`` wait for a person's approval."""
        return self.ask_first is True or (isinstance(self.ask_first, list)
                                          and tool in self.ask_first)

    def timeout_for(self, tool: str) -> float:
        return self.tool_timeouts.get(tool, self.timeout_s)


class McpServeSettings(BaseModel):
    """``bot serve mcp``: the bot as an MCP server exposing ``ask`` and ``search_knowledge``."""

    model_config = {"extra": "forbid"}

    transport: Literal["stdio", "http"] = "stdio"
    host: str = "127.0.0.1"
    port: int = Field(8765, ge=0, le=65535)
    path: str = Field("/mcp", pattern=r"^/", description="the streamable HTTP endpoint")
    token: SecretStr | None = Field(
        None, description="bearer token HTTP clients must send; default: none (loopback only)")


class McpSettings(BaseModel):
    """``[mcp]``: MCP servers whose tools the tools agent may call, and ``bot serve mcp``."""

    model_config = {"extra": "forbid"}

    servers: dict[str, McpServerSettings] = Field(default_factory=dict)
    serve: McpServeSettings = Field(default_factory=lambda: McpServeSettings())

    @field_validator("servers")
    @classmethod
    def _names(cls, servers: dict[str, McpServerSettings]) -> dict[str, McpServerSettings]:
        for name in servers:
            if not SERVER_NAME.fullmatch(name):
                raise ValueError(
                    f"MCP server name {name!r} may hold only letters, digits, _ and - (at most "
                    "32); it prefixes tool names. Fix: rename [mcp.servers.NAME]")
        return servers
