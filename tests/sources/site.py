"""A real documentation tree (Debian's m4-doc: the GNU m4 manual as HTML) served over
loopback by the standard library's http.server, with a few faults a test can switch on."""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

M4_DOCS = Path("/usr/share/doc/m4")


@dataclass
class Faults:
    """What the server does wrong: answers per path, and every request it saw."""

    fail: dict[str, int] = field(default_factory=dict)  # path -> status (500, 401, …)
    slow_down: dict[str, int] = field(default_factory=dict)  # path -> how many 429s first
    retry_after: str = "2"
    redirects: dict[str, str] = field(default_factory=dict)  # path -> Location
    stall: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    seen: Counter[str] = field(default_factory=Counter)


def copy_manual(dest: Path, *patterns: str) -> Path:
    """The m4 manual's start page and its pages matching ``pattern``, copied so a test may
    edit them (links to pages left out answer 404, as on any site); all pages by default."""
    if not (M4_DOCS / "index.html").is_file():
        pytest.skip("the m4-doc package is not installed (apt-get install m4-doc; .ci/run does)")
    dest.mkdir(parents=True, exist_ok=True)
    chosen = [p for pattern in patterns or ("*.html",) for p in M4_DOCS.glob(pattern)]
    for page in [M4_DOCS / "index.html", *chosen]:
        shutil.copy2(page, dest / page.name)
    return dest


def _handler(root: Path, faults: Faults) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            faults.seen[path] += 1
            if path in faults.stall:
                time.sleep(faults.stall[path])  # a server that hangs past the client's timeout
            if faults.slow_down.get(path, 0) > 0:
                faults.slow_down[path] -= 1
                self.send_response(429)
                self.send_header("Retry-After", faults.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if path in faults.redirects:
                self.send_response(301)
                self.send_header("Location", faults.redirects[path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if path in faults.fail:
                self.send_error(faults.fail[path])
                return
            super().do_GET()

        def log_message(self, *args: Any) -> None:
            return None

    return Handler


@contextmanager
def serve(root: Path, faults: Faults | None = None) -> Iterator[tuple[str, Faults]]:
    """``root`` on http://127.0.0.1:<free port>/ until the block ends."""
    faults = faults or Faults()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, faults))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", faults
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
