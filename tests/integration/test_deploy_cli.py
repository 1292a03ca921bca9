"""``bot deploy`` refuses settings a replicated bot cannot run with, and an unreachable Ray
cluster is one line with the fix: before any replica starts, without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apps.cli.main import main
from tests.fakes.ray_cluster import REPO, free_port

POSTGRES = "postgresql://bot@127.0.0.1:9/never-contacted"
API_KEY = "sk-deploy-test-0123456789"


@pytest.mark.parametrize(("flags", "named"), [
    ([], "store.url is not set"),
    (["--config", "sqlite.toml"], "store.url is a SQLite file"),
    (["--config", "chroma.toml"], "kb.url is not set"),
    (["--config", "socket.toml"], 'slack.mode is "socket"'),
    (["--config", "keyless.toml"], "api.keys is empty"),
])
def test_settings_that_keep_state_per_replica_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], named: str
) -> None:
    (tmp_path / "sqlite.toml").write_text(f'tools = []\n[store]\nurl = "sqlite:///{tmp_path}/s"\n')
    (tmp_path / "chroma.toml").write_text(
        f'tools = ["search_knowledge"]\n[store]\nurl = "{POSTGRES}"\n')
    (tmp_path / "socket.toml").write_text(
        f'tools = []\n[store]\nurl = "{POSTGRES}"\n[deploy]\napps = ["slack"]\n')
    (tmp_path / "keyless.toml").write_text(f'tools = []\n[store]\nurl = "{POSTGRES}"\n')
    code = main([*flags, "deploy", "--address", f"127.0.0.1:{free_port()}"])
    err = capsys.readouterr().err
    assert code == 2
    assert named in err and "Fix:" in err and "Traceback" not in err


def run_bot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "bot.toml").write_text(
        f'tools = []\n[store]\nurl = "{POSTGRES}"\n[api.keys]\nalice = "{API_KEY}"\n')
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "apps.cli.main", *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("action", ["up", "status", "down"])
def test_an_unreachable_ray_cluster_is_one_line(tmp_path: Path, action: str) -> None:
    address = f"127.0.0.1:{free_port()}"
    done = run_bot(tmp_path, "deploy", action, "--address", address)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"bot deploy: cannot reach the Ray cluster at {address}: Connection refused (is its "
        "head node running?). Fix: start the cluster (`ray start --head` on the head node, "
        "see docs/deploy.md), or correct deploy.address (BOT_DEPLOY__ADDRESS, --address) or "
        "RAY_ADDRESS"]


def test_an_address_that_is_not_host_port_names_the_fix(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "deploy", "--address", "head-node")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "'head-node' is not host:port" in done.stderr


def test_no_cluster_given_says_how_to_start_one(tmp_path: Path) -> None:
    done = run_bot(tmp_path, "deploy")
    assert done.returncode == 2
    assert "no Ray cluster to deploy to" in done.stderr and "ray start --head" in done.stderr
