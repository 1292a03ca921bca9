"""The presenter leak probes at CI size: questions aimed at restricted documents through the
terminal, Gradio, Slack, the API and MCP, in new and continued conversations, asked as users
in random groups; a model that repeats every canary it was given. No answer shows a canary
of a document its asker (or a Slack thread's channel) may not read, and authorised askers
find their document as often as an unfiltered search does (``benchmarks/access_probes.py``
runs the same at scale)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from benchmarks.probe_presenters import DRIVERS, run_presenter
from benchmarks.probe_world import Probes, build, unfiltered_found


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> Probes:
    pytest.importorskip("chromadb")
    # three subjects, each shared by eight documents with different readers
    return build(tmp_path_factory.mktemp("probes"), seed=5, n_docs=24, crowd=8)


@pytest.mark.parametrize("presenter", list(DRIVERS))
def test_no_presenter_shows_a_canary_its_asker_may_not_read(
    probes: Probes, presenter: str
) -> None:
    if presenter == "mcp":
        from tests.fakes.mcp_servers import require_mcp

        require_mcp()
    tally = run_presenter(presenter, probes, 12, turns=3)
    assert tally.probes >= 12 and tally.leaks == 0, tally.leaked
    assert tally.authorised, "no probe was asked by someone who may read its document"
    assert tally.found >= unfiltered_found(probes, tally.authorised)


@pytest.mark.parametrize("presenter", list(DRIVERS))
def test_the_probes_see_a_leak_when_nothing_filters(probes: Probes, presenter: str) -> None:
    """The same probes with [access] off: canaries of unreadable documents show, so the
    harness would see a leak."""
    if presenter == "mcp":
        from tests.fakes.mcp_servers import require_mcp

        require_mcp()
    off = probes.settings.access.model_copy(update={"enabled": False})
    unfiltered = replace(probes, settings=probes.settings.model_copy(update={"access": off}))
    assert run_presenter(presenter, unfiltered, 6, turns=3).leaks > 0
