"""One small Ray in the test process, shared by a test module (``bot ingest --ray`` and the
sources' Ray sync use it and leave it running). A test module imports
``local_ray_fixture`` and asks for ``local_ray``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module", name="local_ray")
def local_ray_fixture() -> Iterator[str]:
    """A local Ray with 2 CPUs for the module; yields its address (the GCS ``host:port``)."""
    import ray

    from knowledge.ray_cluster import ray_connected

    with ray_connected(num_cpus=2):
        yield str(ray.get_runtime_context().gcs_address)
