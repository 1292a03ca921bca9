"""Connecting to Ray for ``bot ingest --ray``: a given cluster, or a private local one.

A local Ray is addressed on loopback and reports nothing home (usage stats off, no
dashboard); its services do listen on every interface (Ray has no switch for that) behind
Ray's token authentication. If the process already runs Ray (a test, a notebook), that Ray
is used and left running; a Ray started here is shut down when the block ends.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from knowledge.errors import KBError

LOOPBACK = "127.0.0.1"


class RayUnavailable(KBError):
    """Ray could not be started, or the cluster at ``--address`` could not be reached."""


@contextmanager
def ray_connected(address: str | None = None, num_cpus: int | None = None) -> Iterator[int]:
    """Ray for the duration of the block; yields the CPUs the cluster offers."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    started = not ray.is_initialized()
    if started:
        _init(ray, address, num_cpus)
    try:
        _quiet_ray_data()
        yield max(1, int(ray.cluster_resources().get("CPU", 1)))
    finally:
        if started:
            ray.shutdown()


def _init(ray: Any, address: str | None, num_cpus: int | None) -> None:
    common = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
    try:
        if address:
            ray.init(address=address, **common)
        else:
            # The node address is given: Ray would otherwise look up the machine's outward IP.
            ray.init(
                num_cpus=num_cpus or os.cpu_count() or 1, _node_ip_address=LOOPBACK, **common
            )
    except Exception as exc:
        where = f"the Ray cluster at {address} (--address)" if address else "a local Ray"
        fix = (
            "check the address (`ray status` on the head node) or drop --address"
            if address
            else "run `ray stop` if an old local Ray is stuck, or ingest without --ray"
        )
        raise RayUnavailable(f"cannot start {where}: {exc}. Fix: {fix}") from exc


def _quiet_ray_data() -> None:
    """``bot ingest`` draws its own progress bar; Ray Data's bars and banners would fight it."""
    from ray.data import DataContext

    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    for handler in logging.getLogger("ray.data").handlers:
        if handler.name == "console":  # the file log in Ray's session folder stays complete
            handler.setLevel(logging.ERROR)

