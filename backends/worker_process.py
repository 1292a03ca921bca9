"""One embedded-model worker process, seen from the bot: start it, stream from it, end it.

The worker (:mod:`backends.llamacpp_worker`) may die at any moment (SIGILL, SIGSEGV, the OOM
killer) or hang. Every read here is bounded by a stall timeout, and end-of-file becomes
:class:`WorkerDied` with the exit status, so the caller can say what happened and why.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections import deque
from collections.abc import AsyncGenerator
from typing import Any

import structlog

log = structlog.get_logger("bot.llm.worker")
STREAM_LIMIT = 1 << 22  # one protocol line: a whole tool-call reply fits


class WorkerDied(Exception):
    """The worker process ended; ``returncode`` is ``-signal`` for a signal."""

    def __init__(self, returncode: int | None, stderr_tail: list[str]) -> None:
        super().__init__(f"worker ended with status {returncode}")
        self.returncode = returncode
        self.stderr_tail = stderr_tail

    @property
    def signal_name(self) -> str | None:
        if self.returncode is None or self.returncode >= 0:
            return None
        try:
            return signal.Signals(-self.returncode).name
        except ValueError:
            return f"signal {-self.returncode}"


class WorkerStalled(Exception):
    """No message from the worker for ``seconds``; it has been killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no output for {seconds:g}s")
        self.seconds = seconds


class WorkerFailed(Exception):
    """The worker is alive and reported an error (a bad model file, a bad request)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class WorkerProcess:
    """A started worker. One request at a time: the owner serialises callers."""

    def __init__(self, process: asyncio.subprocess.Process, stderr_tail: deque[str],
                 stderr_task: asyncio.Task[None]) -> None:
        self.process = process
        self.stderr_tail = stderr_tail
        self._stderr_task = stderr_task
        self._next_id = 0
        self._unfinished: int | None = None  # a cancelled request whose end is still to come

    @property
    def pid(self) -> int:
        return self.process.pid

    @classmethod
    async def start(cls, config: dict[str, Any], timeout_s: float) -> WorkerProcess:
        """Spawn the worker, send the load config, wait until the model is loaded."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "backends.llamacpp_worker",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, limit=STREAM_LIMIT,
        )
        tail: deque[str] = deque(maxlen=20)
        worker = cls(process, tail, asyncio.create_task(drain_stderr(process, tail)))
        worker._write(config)
        try:
            message = await worker._read(timeout_s)
        except BaseException:
            await worker.stop()
            raise
        if "error" in message:
            await worker.stop()
            raise WorkerFailed(message["error"]["type"], message["error"]["message"])
        log.info("embedded_worker_started", pid=process.pid)
        return worker

    async def generate(self, request: dict[str, Any], stall_s: float, whole_reply_s: float
                       ) -> AsyncGenerator[dict[str, Any], None]:
        """The worker's messages for ``request`` up to its end; closing early cancels it.

        Silence longer than ``stall_s`` between tokens means a hung worker. Before the first
        token (reading the prompt) and while it computes a reply that comes whole (a tool
        call), the worker may be silent for up to ``whole_reply_s``.
        """
        await self._finish_unfinished(whole_reply_s)
        self._next_id += 1
        request_id = self._next_id
        self._write({"op": "generate", "id": request_id, "request": request})
        self._unfinished = request_id
        patience = whole_reply_s
        try:
            while True:
                message = await self._read(patience)
                if message.get("id") != request_id:
                    continue
                if message.get("whole_reply"):
                    patience = whole_reply_s
                    continue
                patience = stall_s
                if "error" in message:
                    self._unfinished = None
                    raise WorkerFailed(message["error"]["type"], message["error"]["message"])
                yield message
                if "end" in message:
                    self._unfinished = None
                    return
        finally:
            if self._unfinished == request_id:  # closed early: Stop, Ctrl-C, a broken turn
                self._write({"op": "cancel", "id": request_id})

    async def _finish_unfinished(self, stall_s: float) -> None:
        """Read away what a cancelled request still sends, up to its end."""
        while self._unfinished is not None:
            message = await self._read(stall_s)
            if message.get("id") == self._unfinished and ("end" in message or "error" in message):
                self._unfinished = None

    def _write(self, message: dict[str, Any]) -> None:
        stdin = self.process.stdin
        if stdin is None or stdin.is_closing():
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            stdin.write((json.dumps(message) + "\n").encode("utf-8"))

    async def _read(self, stall_s: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        try:
            async with asyncio.timeout(stall_s):  # no task per line, unlike wait_for
                line = await self.process.stdout.readline()
        except TimeoutError:
            self.kill()
            raise WorkerStalled(stall_s) from None
        if not line:
            raise WorkerDied(await self._exit_status(), list(self.stderr_tail))
        return dict(json.loads(line))

    async def _exit_status(self) -> int | None:
        try:
            return await asyncio.wait_for(self.process.wait(), 5.0)
        except TimeoutError:  # stdout closed but alive: treat as hung
            self.kill()
            return await self.process.wait()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self, grace_s: float = 2.0) -> None:
        """Close its stdin (it exits), or kill it after ``grace_s``; never raises."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), grace_s)
        except TimeoutError:
            self.kill()
            await self.process.wait()
        self._stderr_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._stderr_task


async def drain_stderr(process: asyncio.subprocess.Process, tail: deque[str]) -> None:
    """Keep the worker's stderr drained (a full pipe would block it), keeping its last lines."""
    stream = process.stderr
    assert stream is not None
    while line := await stream.readline():
        text = line.decode("utf-8", "replace").rstrip()
        if text:
            tail.append(text[:300])
