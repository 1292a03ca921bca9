"""Config precedence, presets and the invalid-config message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from apps.cli.runtime import describe_validation_error
from config import load_settings


def write_toml(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults_use_the_embedded_model_for_every_role() -> None:
    settings = load_settings()
    assert settings.presenter == "terminal"
    assert load_settings(presenter="stdio").presenter == "terminal"  # its old name still works
    for role in ("primary", "router", "query_writer", "extractor", "judge"):
        assert settings.roles.profile_for(role) == "local"
    assert settings.profiles["local"].kind == "llamacpp"


def test_precedence_flag_over_env_over_dotenv_over_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_toml(tmp_path / "bot.toml", 'environment = "toml"\nagent = "pipeline"\n'
               'turn_timeout_s = 11\n[roles]\nprimary = "openai"\n')
    (tmp_path / ".env").write_text("BOT_ENVIRONMENT=dotenv\nBOT_TURN_TIMEOUT_S=22\n")
    assert load_settings().turn_timeout_s == 22  # .env beats TOML
    monkeypatch.setenv("BOT_ENVIRONMENT", "env")
    settings = load_settings()
    assert settings.environment == "env"  # env beats .env and TOML
    assert settings.agent == "pipeline"  # TOML beats defaults
    assert settings.roles.primary == "openai"
    assert load_settings(environment="flag").environment == "flag"  # flag beats all


def test_nested_env_switches_the_primary_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_PROFILES__MYSERVER__KIND", "openai")
    monkeypatch.setenv("BOT_PROFILES__MYSERVER__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("BOT_ROLES__PRIMARY", "myserver")
    settings = load_settings()
    name, profile = settings.profile_for_role("primary")
    assert name == "myserver"
    assert profile.base_url == "http://127.0.0.1:9/v1"
    assert settings.profile_for_role("router")[0] == "myserver"  # unset roles follow primary


def test_user_profile_refines_a_preset_field_by_field(tmp_path: Path) -> None:
    write_toml(tmp_path / "bot.toml", '[profiles.openai]\nmodel = "gpt-4.1"\n')
    openai = load_settings().profiles["openai"]
    assert openai.model == "gpt-4.1"
    assert openai.base_url == "https://api.openai.com/v1"
    assert openai.api_key_env == "OPENAI_API_KEY"


def test_config_flag_and_bot_config_env_pick_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = write_toml(tmp_path / "other.toml", 'environment = "other"\n')
    assert load_settings(other).environment == "other"
    monkeypatch.setenv("BOT_CONFIG", str(other))
    assert load_settings().environment == "other"


def test_unknown_profile_message_names_field_value_and_fix() -> None:
    with pytest.raises(ValidationError) as info:
        load_settings(roles={"primary": "nosuch"})
    message = describe_validation_error(info.value)
    assert "roles.primary = 'nosuch' names no profile" in message
    assert "Fix:" in message and "openai" in message


def test_bad_value_exits_2_with_one_clear_message(tmp_path: Path) -> None:
    write_toml(tmp_path / "bot.toml", 'presenter = "telegram"\n')
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "config", "show"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert "presenter = 'telegram'" in run.stderr
    assert "Fix: use 'terminal', 'gradio', 'slack', 'api' or 'mcp'" in run.stderr
    assert "Traceback" not in run.stderr


def test_missing_config_file_exits_2(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "--config", "nope.toml",
                          "config", "show"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 2
    assert "nope.toml does not exist" in run.stderr


def test_config_show_masks_secrets_and_names_origins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_toml(tmp_path / "bot.toml", '[roles]\nprimary = "mine"\n[profiles.mine]\n'
               'kind = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n'
               'api_key = "sk-test-DISTINCTIVE-123456"\n')
    env = {"BOT_ENVIRONMENT": "fromenv", "PATH": "/usr/bin:/bin",
           "PYTHONPATH": os.environ.get("PYTHONPATH", "")}  # a worktree run finds its code
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "config", "show", "--all"],
                         capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert "DISTINCTIVE" not in run.stdout + run.stderr
    lines = {line.split(" = ")[0]: line for line in run.stdout.splitlines()}
    assert lines["profiles.mine.api_key"].endswith("# bot.toml")
    assert '"**********"' in lines["profiles.mine.api_key"]
    assert lines["environment"].endswith("# env")
    assert lines["agent"].endswith("# default")
    assert lines["profiles.local.kind"].endswith("# preset")


def test_auto_agent_is_the_pipeline_on_the_embedded_model_only() -> None:
    assert load_settings().agent_name() == "pipeline"
    assert load_settings(roles={"primary": "openai"}).agent_name() == "tools"
    assert load_settings(agent="tools").agent_name() == "tools"
