"""``openai`` backends made straight from a fake server's profile, closed after each test.

Import ``backend`` and the autouse fixture ``close_backends`` into a test module: every client
a test made is closed while that test's event loop still runs (an ``AsyncOpenAI`` closed on a
finished loop warns, and a leaked one keeps its connections open)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from backends.openai_backend import OpenAIBackend
from tests.fakes.openai_profiles import fake_profile_settings
from tests.fakes.openai_server import FakeOpenAI

_open: list[OpenAIBackend] = []


def backend(server: FakeOpenAI, **fields: Any) -> OpenAIBackend:
    """An ``openai`` backend for ``server`` (profile ``fields`` on top), closed after the test."""
    made = OpenAIBackend.from_profile("fake", fake_profile_settings(server, **fields))
    _open.append(made)
    return made


@pytest.fixture(autouse=True)
async def close_backends() -> AsyncIterator[None]:
    """Close every client a test made while its event loop still runs."""
    yield
    while _open:
        await _open.pop().aclose()
