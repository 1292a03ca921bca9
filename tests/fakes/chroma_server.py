"""A real Chroma server for tests: ``chroma run`` on a loopback port, its data in a folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def chroma_command() -> str | None:
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


@contextmanager
def chroma_server(path: Path, port: int) -> Iterator[str]:
    """``chroma run`` keeping its data in ``path``; yields its URL, stops it on the way out.
    Raises FileNotFoundError when the chroma CLI is not installed."""
    command = chroma_command()
    if command is None:
        raise FileNotFoundError("the chroma CLI is not installed")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    path.mkdir(parents=True, exist_ok=True)
    with (path.parent / f"{path.name}.log").open("w") as log:
        process = subprocess.Popen(
            [command, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("chroma run did not come up in 30 s")
