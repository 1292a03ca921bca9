"""Running due sources in the background of a long-running process.

When a source is next due is computed from its last run *in the store*, so every process
and replica sharing the store agrees; the lease then lets exactly one of them run it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import structlog

from config.sources import MIN_ACCESS_INTERVAL_S, MIN_INTERVAL_S, interval_s
from sources.report import SyncReport, last_run

if TYPE_CHECKING:
    from config import Settings
    from config.sources import SourceSettings
    from sources.model import Change
    from sources.runner import SourceRunner

log = structlog.get_logger("sources.scheduler")

TICK_S = 15.0


def next_run_at(schedule: str, last_started: float | None, now: float,
                minimum_s: int = MIN_INTERVAL_S) -> float:
    """When a source on ``schedule`` is due next (now, if it never ran)."""
    if last_started is None:
        return now
    every = interval_s(schedule, minimum_s)
    if every is not None:
        return last_started + every
    from croniter import croniter

    start = datetime.fromtimestamp(last_started, UTC)
    return float(croniter(schedule, start).get_next(float))


def tick_for(settings: Settings) -> float:
    """How often to look for due work: every 15 s, or each permission pass when sooner."""
    if not settings.access.enabled:
        return TICK_S
    every = interval_s(settings.access.access_schedule, MIN_ACCESS_INTERVAL_S)
    return min(TICK_S, every) if every else TICK_S


def wanted(settings: Settings) -> bool:
    """Whether a long-running process needs a scheduler: a scheduled source, or permission
    passes (``[access]`` on and any enabled source)."""
    enabled = [s for s in settings.sources.values() if s.enabled]
    return any(s.schedule for s in enabled) or (bool(settings.access.enabled) and bool(enabled))


class SourceScheduler:
    """Checks every ``tick_s`` which scheduled sources are due and syncs them, and (with
    ``[access]`` on) which sources are due a permission pass on ``access_schedule``."""

    def __init__(self, settings: Settings, runner: SourceRunner, *, tick_s: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.runner = runner
        self.tick_s = tick_for(settings) if tick_s is None else tick_s
        self.clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._triggered: dict[str, list[Change] | None] = {}  # None: sync all of it
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def scheduled(self) -> dict[str, SourceSettings]:
        return {n: s for n, s in self.settings.sources.items() if s.enabled and s.schedule}

    def next_runs(self, now: float | None = None) -> dict[str, float]:
        """Each scheduled source's next run (epoch seconds; one that never ran: ``now``)."""
        now = self.clock() if now is None else now
        out = {}
        for name, source in self.scheduled().items():
            last = last_run(self.runner.bot_store, name)
            out[name] = next_run_at(str(source.schedule), last.started_at if last else None, now)
        return out

    def next_permission_runs(self, now: float | None = None) -> dict[str, float]:
        """Each enabled source's next permission pass (none with ``[access]`` off)."""
        if not self.settings.access.enabled:
            return {}
        now = self.clock() if now is None else now
        every = self.settings.access.access_schedule
        out = {}
        for name, source in self.settings.sources.items():
            if source.enabled:
                last = last_run(self.runner.bot_store, name, "permissions")
                out[name] = next_run_at(every, last.started_at if last else None, now,
                                        MIN_ACCESS_INTERVAL_S)
        return out

    def trigger(self, name: str, change: Change | None = None) -> bool:
        """Sync ``name`` at the next tick, whatever its schedule (a webhook said it changed):
        only what ``change`` names, or all of it when there is none. Changes that arrive
        before the tick are synced together. False when no enabled source has that name."""
        source = self.settings.sources.get(name)
        if source is None or not source.enabled:
            return False
        with self._lock:
            pending = self._triggered.get(name, [])
            if change is None or pending is None:  # syncing all of it covers any change
                self._triggered[name] = None
            else:
                self._triggered[name] = [*pending, change]
        self._wake.set()
        return True

    def run_due(self) -> list[SyncReport]:
        """Sync every source that is due now or was triggered (``busy`` where another runner
        has it); a triggered source that is also due is synced whole."""
        now = self.clock()
        with self._lock:
            triggered, self._triggered = self._triggered, {}
        due = [n for n, at in self.next_runs(now).items() if at <= now]
        reports = [self.runner.sync_one(n, self.settings.sources[n]) for n in due]
        for name in sorted(set(triggered) - set(due)):
            source = self.settings.sources[name]
            reports.append(self.runner.sync_one(name, source, changes=triggered[name]))
        return reports + self.run_permissions_due(now)

    def run_permissions_due(self, now: float) -> list[SyncReport]:
        """A permission pass of every source due one (``busy`` where another runner has it)."""
        due = [n for n, at in self.next_permission_runs(now).items() if at <= now]
        return [self.runner.permissions_one(n, self.settings.sources[n]) for n in due]

    def start(self) -> None:
        """Run in a daemon thread until :meth:`stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="source-scheduler",
                                            daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def wait_tick(self) -> bool:
        """Sleep one tick, or less: until the next source is due (so an edit waits at most
        its schedule's interval, not that plus a tick), or a source is triggered; True once
        stopped."""
        self._wake.wait(self.seconds_to_next())
        self._wake.clear()
        return self._stop.is_set()

    def seconds_to_next(self) -> float:
        """Until the earliest scheduled sync or permission pass is due, at most ``tick_s`` (a
        whole tick when one is overdue: another runner holds it, and asking again at once
        would spin)."""
        now = self.clock()
        try:
            due = [*self.next_runs(now).values(), *self.next_permission_runs(now).values()]
            ahead = [at - now for at in due if at > now]
        except Exception:  # the store is down: the next tick says so
            return self.tick_s
        return min([self.tick_s, *ahead])

    def _loop(self) -> None:
        lower_priority()
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception as exc:  # the store is down: try again next tick
                log.warning("source_schedule_failed", error_type=type(exc).__name__,
                            error=str(exc)[:300])
            self.wait_tick()


def lower_priority(niceness: int = 10) -> None:
    """Make the calling thread (and the threads it starts: fetchers, embedders) yield the CPU
    to the ones answering people. Linux sets niceness per thread; elsewhere a no-op."""
    import os

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)
    except (AttributeError, OSError):  # not Linux, or not permitted: run as we are
        log.debug("source_priority_unchanged")


def start_background(settings: Settings, bot_store: Any, *,
                     always: bool = False) -> SourceScheduler | None:
    """The scheduler of a long-running process, started (None when nothing is scheduled and
    no permission pass is wanted, unless ``always``: webhooks may trigger unscheduled
    sources)."""
    if not always and not wanted(settings):
        return None
    from sources.runner import SourceRunner

    scheduler = SourceScheduler(settings, SourceRunner(settings, bot_store, background=True))
    scheduler.start()
    return scheduler
