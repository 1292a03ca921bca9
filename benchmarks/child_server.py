"""A benchmark's fake OpenAI server in a child process, so it never shares the measured CPU."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def server_process(module: str) -> Iterator[str]:
    """Run ``python -m MODULE --serve`` (it prints its port, serves until stdin closes);
    yields its base URL."""
    child = subprocess.Popen([sys.executable, "-m", module, "--serve"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        yield f"http://127.0.0.1:{int(child.stdout.readline())}/v1"
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=10)
