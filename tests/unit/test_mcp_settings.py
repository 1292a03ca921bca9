"""``[mcp]`` and ``[approvals]`` settings: clear errors, secrets kept secret, tool names."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from apps.cli.runtime import collect_secrets, describe_validation_error
from config import load_settings
from config.mcp import McpServerSettings
from tools.mcp.hub import tool_name
from tools.mcp.results import capped

CONFIG = """
[approvals]
default = "allow"
timeout_s = 30

[mcp.serve]
transport = "http"
token = "serve-token-7Qx"

[mcp.servers.time]
command = ["mcp-server-time", "--local-timezone", "UTC"]
allow = ["get_current_time"]
ask_first = ["get_current_time"]
tool_timeouts = { get_current_time = 5 }
env = { TIME_API_KEY = "env-secret-4Kd" }

[mcp.servers.docs]
url = "https://docs.example/mcp"
headers = { Authorization = "Bearer header-secret-9Zp" }
ask_first = true
"""


def test_the_documented_shape_loads(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(CONFIG)
    s = load_settings(tmp_path / "bot.toml")
    time, docs = s.mcp.servers["time"], s.mcp.servers["docs"]
    assert (time.asks_first("get_current_time"), time.asks_first("convert_time")) == (True, False)
    assert (time.timeout_for("get_current_time"), time.timeout_for("convert_time")) == (5, 30)
    assert docs.asks_first("anything") and docs.url == "https://docs.example/mcp"
    assert (s.approvals.default, s.approvals.timeout_s, s.mcp.serve.transport) == (
        "allow", 30, "http")
    assert "header-secret" not in repr(docs) and "env-secret" not in repr(time)


def test_every_mcp_secret_is_registered_for_redaction(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text(CONFIG)
    secrets = collect_secrets(load_settings(tmp_path / "bot.toml"))
    assert {"serve-token-7Qx", "env-secret-4Kd", "Bearer header-secret-9Zp"} <= set(secrets)


@pytest.mark.parametrize(("fields", "says"), [
    ({}, "needs exactly one of command (stdio) or url"),
    ({"command": ["x"], "url": "http://h/mcp"}, "needs exactly one of command"),
    ({"url": "ftp://h/mcp"}, "is not an http(s) URL"),
])
def test_a_server_needs_one_transport(fields: dict[str, object], says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        McpServerSettings(**fields)  # type: ignore[arg-type]
    assert says in str(caught.value) and "Fix:" in str(caught.value)


def test_a_bad_server_name_names_the_field_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "bot.toml").write_text('[mcp.servers."my server"]\ncommand = ["x"]\n')
    with pytest.raises(ValidationError) as caught:
        load_settings(tmp_path / "bot.toml")
    message = describe_validation_error(caught.value)
    assert "mcp.servers" in message and "Fix: rename [mcp.servers.NAME]" in message


def test_tool_names_are_namespaced_only_on_a_clash() -> None:
    assert tool_name("time", "get_current_time", {"clock"}, namespace=False) == "get_current_time"
    assert tool_name("time", "clock", {"clock"}, namespace=False) == "time_clock"
    assert tool_name("time", "clock", set(), namespace=True) == "time_clock"
    assert tool_name("t", "a.b", set(), namespace=False) == "t_a_b"  # not a function name
    assert tool_name("t", "x", {"x", "t_x"}, namespace=False) == "t_x_2"


def test_a_cut_result_says_how_much_was_cut() -> None:
    assert capped("short", 10) == "short"
    assert capped("x" * 25, 10) == ("x" * 10 + "\n[result cut: the first 10 of 25 characters "
                                    "are shown]")
