"""A throwaway PostgreSQL for tests: ``BOT_TEST_POSTGRES_URL``, or one started from the
Debian binaries (``/usr/lib/postgresql/*/bin``) in a temp dir, on a free loopback port.

One server per test process, started on first use and stopped at exit. Each test gets
its own schema (``search_path`` in the URL), so tests never see each other's rows.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

ENV_URL = "BOT_TEST_POSTGRES_URL"
# Where tests must run rather than skip (CI): set either of these.
REQUIRED = bool(os.environ.get("BOT_TEST_REQUIRE_POSTGRES") or os.environ.get("CI"))
_EXTERNAL_URL = os.environ.get(ENV_URL)  # read at import: tests clear BOT_* variables


class PostgresUnavailable(RuntimeError):
    """No server URL was given and no PostgreSQL binaries are installed."""


def find_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` folder holding initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayPostgres:
    """initdb + pg_ctl in a temp dir; ``url`` connects as superuser ``bot`` without a password.

    PostgreSQL refuses to run as root, so under root the server runs as the ``postgres``
    user that the Debian package creates.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = 0
        self._as: list[str] = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "tests run as root but there is no 'postgres' user to run the server "
                    "(initdb refuses root); install the postgresql package") from None
            self._as = ["runuser", "-u", "postgres", "--"]
        self.dir = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        if owner is not None:
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql://bot@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [*self._as, str(self.bin_dir / tool), *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{tool} failed: {done.stderr.strip() or done.stdout}")

    def start(self) -> ThrowawayPostgres:
        data = str(self.dir / "data")
        self._run("initdb", "-D", data, "-U", "bot", "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        for _ in range(3):  # the free port may be taken between choosing and binding it
            self.port = _free_port()
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                       "-c fsync=off -c full_page_writes=off -c max_connections=200")
            try:
                self._run("pg_ctl", "-D", data, "-l", str(self.dir / "server.log"), "-w",
                          "-t", "60", "-o", options, "start")
                return self
            except PostgresUnavailable:
                continue
        raise PostgresUnavailable(f"PostgreSQL did not start; see {self.dir}/server.log")

    def stop(self) -> None:
        if self.port:
            data = str(self.dir / "data")
            subprocess.run([*self._as, str(self.bin_dir / "pg_ctl"), "-D", data, "-m",
                            "immediate", "stop"], capture_output=True, timeout=60, check=False)
            self.port = 0
        shutil.rmtree(self.dir, ignore_errors=True)


_server_url: str | None = None


def server_url() -> str:
    """The URL of this process's test server, starting one the first time."""
    global _server_url
    if _server_url is None:
        if _EXTERNAL_URL:
            _server_url = _EXTERNAL_URL
        else:
            bin_dir = find_bin_dir()
            if bin_dir is None:
                raise PostgresUnavailable(
                    f"no PostgreSQL: set {ENV_URL} or install the Debian package "
                    "(scripts/postgres-for-tests.sh)")
            server = ThrowawayPostgres(bin_dir)
            atexit.register(server.stop)
            _server_url = server.start().url
    return _server_url


def with_schema(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` first (libpq ``options``)."""
    option = quote(f"-csearch_path={schema}")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


def new_schema(url: str) -> str:
    """Create a fresh, empty schema on the server; returns its name."""
    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    return name


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
