"""Prompt files: shipped defaults, environments, an override folder and hot reload."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.prompts import PromptLibrary, PromptNotFound


def test_shipped_system_prompt_is_found() -> None:
    assert "helpful assistant" in PromptLibrary().text("system")


def test_override_folder_wins_file_by_file(tmp_path: Path) -> None:
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "system.txt").write_text("You are Ada.\n")
    library = PromptLibrary(override_dir=tmp_path)
    assert library.text("system") == "You are Ada."


def test_environment_falls_back_to_default(tmp_path: Path) -> None:
    (tmp_path / "terse").mkdir()
    (tmp_path / "terse" / "greeting.txt").write_text("Hi {name}.")
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "farewell.txt").write_text("Bye.")
    library = PromptLibrary("terse", override_dir=tmp_path)
    assert library.render("greeting", name="Ada") == "Hi Ada."
    assert library.text("farewell") == "Bye."
    with pytest.raises(PromptNotFound):
        library.text("nonexistent")


@pytest.mark.parametrize("hot", [True, False])
def test_hot_reload_picks_up_edits_only_when_on(tmp_path: Path, hot: bool) -> None:
    prompt = tmp_path / "default" / "system.txt"
    prompt.parent.mkdir()
    prompt.write_text("first")
    library = PromptLibrary(override_dir=tmp_path, hot_reload=hot)
    assert library.text("system") == "first"
    prompt.write_text("second")
    os.utime(prompt, (1, 1))  # a different mtime, whatever the clock's resolution
    assert library.text("system") == ("second" if hot else "first")
