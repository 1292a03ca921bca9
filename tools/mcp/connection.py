"""One MCP server, held open on the background loop; started again on the call after it died.

Every failure becomes :class:`~contracts.tools.ToolError` (text the model reads) and a
log line: a server that will not start, one that dies mid-call, a call past its deadline.
All methods run on the :class:`~tools.mcp.background.BackgroundLoop`.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import structlog

from config.mcp import McpServerSettings
from contracts.tools import ToolError
from tools.mcp.results import error_text

log = structlog.get_logger("tools.mcp")
CONNECTION_CLOSED = -32000  # JSON-RPC code the SDK gives calls on a closed connection
CLOSE_TIMEOUT_S = 10.0  # stopping a stdio server: its stdin closed, then SIGTERM, then SIGKILL


class McpConnection:
    def __init__(self, name: str, settings: McpServerSettings, log_dir: Path) -> None:
        self.name, self.settings, self.log_dir = name, settings, log_dir
        self._client: Any = None  # an entered mcp.Client while connected
        self._holder: asyncio.Task[None] | None = None
        self._closing: asyncio.Event | None = None
        self._lock: asyncio.Lock | None = None
        self.auth: Any = None  # OAuth tokens outlive a connection: a restart reuses them
        self.elicit: Any = None  # answers the server's elicitation requests (set by the hub)

    @property
    def where(self) -> str:
        return " ".join(self.settings.command) if self.settings.command else str(self.settings.url)

    async def connect(self) -> None:
        """Start the server (or reach it) within ``startup_timeout_s``; raises on failure."""
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._closing = asyncio.Event()
        self._holder = asyncio.create_task(self._hold(ready, self._closing))
        started, limit = time.monotonic(), self.settings.startup_timeout_s
        try:
            async with asyncio.timeout(limit):
                await asyncio.shield(ready)
        except BaseException as exc:
            await self.close()
            if ready.done() and not ready.cancelled():
                ready.exception()  # seen here: no "exception never retrieved" later
            if isinstance(exc, TimeoutError):
                raise TimeoutError(f"not ready within startup_timeout_s = {limit:g} s") from None
            raise
        log.info("mcp_server_started", server=self.name,
                 seconds=round(time.monotonic() - started, 2))

    async def _hold(self, ready: asyncio.Future[None], closing: asyncio.Event) -> None:
        """Keeps the client open in one task (its transport must close where it opened)."""
        from tools.mcp.transport import connected

        if self.elicit is None:
            from tools.mcp.elicit import elicitation_callback

            self.elicit = elicitation_callback(self.name)
        if self.settings.oauth is not None and self.auth is None:
            from tools.mcp.oauth import BearerAuth, OAuthTokens

            self.auth = BearerAuth(OAuthTokens(self.name, self.settings.oauth,
                                               str(self.settings.url)))
        try:
            async with connected(self.name, self.settings, self.log_dir, self.auth,
                                 self.elicit) as client:
                self._client = client
                ready.set_result(None)
                await closing.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else RuntimeError(exc))
            if not isinstance(exc, Exception):
                raise
        finally:
            self._client = None

    async def list_tools(self) -> list[Any]:
        """Every tool the server lists (all pages)."""
        tools, cursor = [], None
        while True:
            page = await self._client.list_tools(cursor=cursor)
            tools += page.tools
            cursor = page.next_cursor
            if cursor is None:
                return tools

    async def call(self, tool: str, arguments: dict[str, Any], timeout_s: float,
                   asker: Any = None) -> Any:
        """The server's ``CallToolResult``; raises ToolError when there is none to read.

        ``asker``: the person of the turn (:class:`~tools.mcp.elicit.Asker`), who answers
        what the server elicits during this call; the deadline pauses while they do."""
        from tools.mcp.elicit import ASKER

        client = await self._ensure(tool)
        waits = asker is not None and asker.elicitor is not None  # the SDK's deadline would not
        try:
            async with asyncio.timeout(timeout_s) as deadline:
                if asker is not None:
                    asker.deadline = deadline
                ASKER.set(asker)
                return await client.call_tool(tool, arguments,
                                              read_timeout_seconds=None if waits else timeout_s)
        except TimeoutError as exc:
            log.warning("mcp_call_timed_out", server=self.name, tool=tool, timeout_s=timeout_s)
            raise ToolError(f"{tool} did not answer within {timeout_s:g} s (MCP server "
                            f"{self.name!r}); try again or ask something else") from exc
        except Exception as exc:
            raise await self._failed(tool, exc) from exc

    async def _ensure(self, tool: str) -> Any:
        """The open client, starting the server again when it died earlier."""
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._client is not None:
                return self._client
            try:
                await self.connect()
            except Exception as exc:
                cause = root_cause(exc)
                log.error("mcp_server_failed", server=self.name, where=self.where,
                          error_type=type(cause).__name__, error=str(cause)[:300])
                raise ToolError(f"the MCP server {self.name!r} behind {tool} could not be "
                                f"started ({describe(cause)})") from exc
            return self._client

    async def _failed(self, tool: str, error: Exception) -> ToolError:
        """A failed call as the model reads it; a broken connection is dropped to restart."""
        exc = root_cause(error)
        code = getattr(exc, "code", None)
        if code is not None and code != CONNECTION_CLOSED:  # the server answered: an MCP error
            return ToolError(error_text(f"{tool} failed on MCP server {self.name!r}: {exc}",
                                        self.settings.max_result_chars))
        log.error("mcp_server_died", server=self.name, tool=tool, where=self.where,
                  error_type=type(exc).__name__, error=str(exc)[:300])
        await self.close()
        return ToolError(f"the MCP server {self.name!r} went away during the call to {tool} "
                         f"({describe(exc)}), so it did not finish; the server will be started "
                         "again on the next call")

    async def close(self) -> None:
        """Close the client (a stdio server's process is stopped); safe to call twice."""
        holder, self._holder = self._holder, None
        if holder is None:
            return
        if self._client is None:  # still starting: stop trying
            holder.cancel()
        elif self._closing is not None:
            self._closing.set()
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await asyncio.gather(holder, return_exceptions=True)
        except TimeoutError:
            holder.cancel()


def root_cause(exc: BaseException) -> BaseException:
    """The first real error inside anyio's exception groups."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc


def describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__
