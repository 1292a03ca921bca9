"""``bot eval pairwise --ray``: the same items as Ray tasks on a small local Ray."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.eval_judges import write_pairs
from tests.integration.eval_helpers import result_lines, rows, run_cli, write_config

pytestmark = pytest.mark.ray
ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_tasks_give_the_same_report_as_asyncio(
    local_ray: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write_config(tmp_path)
    data = write_pairs(tmp_path / "pairs.json", 4)
    out = tmp_path / "run"
    code, stdout, _ = run_cli(capsys, "--config", str(config), "eval", "pairwise", str(data),
                              "--backend", "always_a", "--backend", "judge_ok", "--ray",
                              "--out", str(out), "--no-progress")
    assert code == 0, stdout
    assert rows(out)[("default", "always_a")]["aa_pct"] == 100.0
    assert rows(out)[("default", "judge_ok")]["accuracy_pct"] == 100.0
    assert len(result_lines(out)) == 8
