"""Shared fixtures: the network tripwire, isolated settings and a scripted Bot."""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog

from backends.scripted import ReplyLike, ScriptedLLM
from bot.app import Bot
from config import Settings, load_settings
from contracts.tools import Tool

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkTripwire(AssertionError):
    """A test tried to reach a non-loopback address."""


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = str(address[0])
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded(real: Any) -> Any:
    def connect(self: socket.socket, address: Any) -> Any:
        if not _is_local(address):
            raise NetworkTripwire(f"test tried to reach {address!r}; only loopback is allowed")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def network_tripwire(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection to a non-loopback address (real model APIs, Slack's cloud)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """A test that runs the CLI in-process reconfigures logging; the next test starts afresh."""
    saved = structlog.get_config()
    handlers = logging.getLogger().handlers[:]
    yield
    structlog.configure(**saved)
    logging.getLogger().handlers[:] = handlers


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No BOT_* variable, bot.toml or .env of the developer's leaks into a test."""
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Settings isolated in a temp data dir, the tools agent and only the offline tools."""
    return load_settings(data_dir=data_dir, tools=["clock", "calculator"], agent="tools")


def scripted_bot(settings: Settings, *replies: ReplyLike, tools: dict[str, Tool] | None = None,
                 **roles: ScriptedLLM) -> Bot:
    """A Bot whose primary role plays ``replies`` (other roles as given)."""
    llms = {"primary": ScriptedLLM(replies, profile="scripted"), **roles}
    return Bot.from_settings(settings, llms=llms, tools=tools)  # type: ignore[arg-type]


@pytest.fixture
async def make_bot(settings: Settings) -> AsyncIterator[Any]:
    """Factory: ``make_bot("reply 1", Reply(...), ...)``; bots are closed after the test."""
    made: list[Bot] = []

    def factory(*replies: ReplyLike, settings_: Settings | None = None,
                tools: dict[str, Tool] | None = None, **roles: Any) -> Bot:
        bot = scripted_bot(settings_ or settings, *replies, tools=tools, **roles)
        made.append(bot)
        return bot

    yield factory
    for bot in made:
        await bot.aclose()


@pytest.fixture
def free_port() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    yield port
