"""Fixtures shared by the integration tests (each group lives in its own module)."""

from tests.integration.cluster_fixtures import deployed, ray_cluster  # noqa: F401  (fixtures)
from tests.integration.serve_slack_helpers import fake_slack  # noqa: F401  (fixtures)
from tests.integration.store_fixtures import (  # noqa: F401  (fixtures)
    postgres_url,
    store_settings,
    store_url,
)
