"""A folder served over HTTP on loopback in a child process, for the sources benchmarks.

A child process, so the server's CPU never shares the measuring process's GIL (the test
suite's in-process server, ``tests/sources/site.py``, does: at 1,000 pages its request
threads slowed the crawl it served). HTTP/1.1 with keep-alive, as a real documentation
host answers; ``Last-Modified`` and ``If-Modified-Since`` (a ``304`` for an unchanged page)
as the standard library's handler does. Files are read on every request, so an edit on disk
is what the next request sees.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection per client, as nginx would
    disable_nagle_algorithm = True  # as nginx (tcp_nodelay): no 40 ms delayed-ACK stalls

    def log_message(self, *args: Any) -> None:
        return None


@contextmanager
def site(folder: Path) -> Iterator[str]:
    """Serve ``folder`` from a child process; yields the base URL (no trailing slash)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.site_server", str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        yield f"http://127.0.0.1:{int(child.stdout.readline())}"
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=10)


def serve(folder: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=folder))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the parent closes stdin
    server.shutdown()


if __name__ == "__main__":
    serve(sys.argv[1])
