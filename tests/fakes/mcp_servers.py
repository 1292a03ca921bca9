"""Real MCP servers for tests: ``mcp-server-time`` (PyPI) over stdio, and an SDK-built HTTP one
(:mod:`tests.fakes.mcp_http_server`) in a subprocess on loopback."""

from __future__ import annotations

import fcntl
import os
import socket
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from config import Settings
from config.mcp import McpServerSettings, McpSettings

ROOT = Path(__file__).resolve().parents[2]
TIME_COMMAND = [str(Path(sys.executable).with_name("mcp-server-time")), "--local-timezone", "UTC"]


def require_mcp() -> None:
    pytest.importorskip("mcp")
    if not Path(TIME_COMMAND[0]).exists():
        pytest.skip("mcp-server-time is not installed (pip install -e '.[mcp]')")


def with_servers(settings: Settings, **servers: dict[str, Any]) -> Settings:
    """``settings`` with ``[mcp.servers.NAME]`` sections."""
    mcp = McpSettings(servers={n: McpServerSettings(**s) for n, s in servers.items()})
    return settings.model_copy(update={"mcp": mcp})


def child_pids(marker: str) -> list[int]:
    """Processes started by this one whose command line contains ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat[1]) == os.getpid() and stat[0] != "Z" and marker in cmdline:
            found.append(int(entry))
    return found


def waiting_input(pid: int) -> int:
    """Bytes waiting unread in process ``pid``'s pipes: a request it has not read yet.

    (The SDK's stdio server moves its protocol pipes off fds 0 and 1, so look at them all.)
    """
    waiting = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        path = f"/proc/{pid}/fd/{fd}"
        if not os.readlink(path).startswith("pipe:"):
            continue
        pipe = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            waiting += struct.unpack("i", fcntl.ioctl(pipe, termios.FIONREAD, b"\0" * 4))[0]
        finally:
            os.close(pipe)
    return waiting


def wait_listening(port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


@contextmanager
def serving(command: list[str], port: int, cwd: Path = ROOT, env: dict[str, str] | None = None
            ) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (a server on ``port``) until the block ends."""
    env = os.environ | {"PYTHONPATH": str(ROOT)} | (env or {})
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_listening(port)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_server(port: int) -> Any:
    """The SDK-built HTTP MCP server on ``port``; its URL is ``http://127.0.0.1:PORT/mcp``."""
    return serving([sys.executable, "-m", "tests.fakes.mcp_http_server", "--port", str(port)],
                   port)
