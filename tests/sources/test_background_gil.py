"""A background sync shortens the GIL switch interval while it runs, and only then."""

from __future__ import annotations

import sys

import pytest

from sources.runner import BACKGROUND_SWITCH_S, quick_gil_handoff


def test_the_switch_interval_is_short_during_a_background_sync_and_restored_after() -> None:
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), quick_gil_handoff():
        assert sys.getswitchinterval() == pytest.approx(BACKGROUND_SWITCH_S)
        raise RuntimeError("the sync crashed")
    assert sys.getswitchinterval() == before
