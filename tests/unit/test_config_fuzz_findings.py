"""Config files the fuzzer found a traceback for: each now gets "Invalid configuration"."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.cli.main import main


def check(tmp_path: Path, toml: str, capsys: pytest.CaptureFixture[str]) -> str:
    (tmp_path / "bot.toml").write_text(toml)
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(tmp_path / "bot.toml"), "config", "check"])
    said = capsys.readouterr().err
    assert exited.value.code == 2 and said.startswith("Invalid configuration"), said
    assert "Traceback" not in said and "Fix:" in said
    return said


def test_a_file_that_is_not_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said = check(tmp_path, "tools = [\n", capsys)
    assert "not valid TOML" in said


def test_a_profile_that_is_not_a_table(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    said = check(tmp_path, "[profiles]\nfast = true\n", capsys)
    assert "profiles.fast" in said
