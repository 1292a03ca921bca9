"""``bot ingest``'s progress bar: bytes done with an ETA, files, chunks and chunks/s."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.ingest import ingest
from tests.kb.corpus import write_corpus
from tests.kb.helpers import kb_settings, shared_minilm


def test_the_progress_bar_shows_chunks_per_second_and_an_eta(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest(kb_settings(data_dir), [write_corpus(tmp_path / "c")], embedder=shared_minilm(),
           progress=True)
    bar = capsys.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert bar.startswith("ingesting: 100%"), bar
    assert "6 files" in bar and "chunks/s" in bar and "<" in bar, bar
