"""Config files fuzzed: whatever ``bot.toml`` holds, the CLI loads it or says what to fix.

Two kinds of file: any text (broken TOML included), and well-formed TOML whose sections
and keys are the real ones with values of any type. Either the settings load, or the user
gets "Invalid configuration" naming the field and exit code 2: never a traceback.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.cli.runtime import load_or_exit
from config import Settings
from tests.fuzz.fuzz_size import Tally, fuzz_settings

tomlkit = pytest.importorskip("tomlkit")

SCALARS = (st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
           | st.floats(allow_nan=True) | st.text(max_size=30))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def section_fields() -> dict[str, list[str]]:
    """Each settings section and its keys, as bot.toml spells them."""
    out: dict[str, list[str]] = {"": []}
    for name, field in Settings.model_fields.items():
        key = field.alias or name
        model = field.annotation
        if isinstance(model, type) and hasattr(model, "model_fields"):
            out[key] = [f.alias or n for n, f in model.model_fields.items()]
        else:
            out[""].append(key)
    return out


SECTIONS = section_fields()


@st.composite
def documents(draw: Any) -> str:
    """Real sections and keys, any values (``None`` leaves the key out: TOML has no null)."""
    doc = tomlkit.document()
    for section in draw(st.lists(st.sampled_from(sorted(SECTIONS)), max_size=3, unique=True)):
        keys = SECTIONS[section] or ["x"]
        body = {k: v for k, v in draw(st.dictionaries(st.sampled_from(keys), VALUES,
                                                      max_size=4)).items() if v is not None}
        table = doc if section == "" else doc.setdefault(section, tomlkit.table())
        for key, value in body.items():
            table[key] = _toml(value)
    return tomlkit.dumps(doc)


def _toml(value: Any) -> Any:
    if isinstance(value, list):
        return [_toml(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _toml(v) for k, v in value.items() if v is not None}
    return value


def loads_or_says_why(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.toml"
        path.write_text(text, encoding="utf-8")
        args = argparse.Namespace(config=str(path))
        try:
            load_or_exit(args, {"data_dir": Path(tmp) / "data"})
        except SystemExit as exc:
            said = capsys.readouterr().err
            assert exc.code == 2 and said.startswith("Invalid configuration"), said
            assert "Traceback" not in said and "Fix" in said, said


def test_any_text_as_bot_toml_loads_or_names_the_problem(
        capsys: pytest.CaptureFixture[str]) -> None:
    with Tally("config: any text") as tally:

        @fuzz_settings()
        @given(text=st.text(max_size=200) | documents().map(lambda d: d[: len(d) // 2]))
        def run(text: str) -> None:
            tally.requests += 1
            loads_or_says_why(text, capsys)

        run()


def test_real_keys_with_any_values_load_or_name_the_field(
        capsys: pytest.CaptureFixture[str]) -> None:
    with Tally("config: real keys, any values") as tally:

        @fuzz_settings()
        @given(text=documents())
        def run(text: str) -> None:
            tally.requests += 1
            loads_or_says_why(text, capsys)

        run()
