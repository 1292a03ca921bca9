"""Fixtures shared by the integration tests (each group lives in its own module)."""

from tests.integration.store_fixtures import (  # noqa: F401  (fixtures)
    postgres_url,
    store_settings,
    store_url,
)
