"""Killing a real ``bot ingest`` process (SIGKILL, no cleanup of any kind) mid-run."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from config import Settings
from knowledge.ingest import ingest
from knowledge.lexical_sync import lexical_path
from knowledge.search import Searcher
from knowledge.store import KnowledgeStore
from tests.kb.helpers import kb_settings, shared_minilm

REPO = Path(__file__).resolve().parents[2]
FILES = 96


def write_notes(folder: Path) -> Path:
    folder.mkdir()
    for i in range(FILES):
        body = "\n\n".join(
            f"Paragraph {p} of note {i}: the rota for team {i} changes in week {p}, and the "
            f"code word of note {i} is w{i}x{p}." for p in range(8)
        )
        (folder / f"note{i:03}.md").write_text(f"# Note {i}\n\n{body}\n")
    return folder


def lexical_ids(settings: Settings) -> set[str]:
    db = sqlite3.connect(lexical_path(settings, settings.kb.collection), timeout=30)
    try:
        return {r[0] for r in db.execute("SELECT id FROM docs")}
    except sqlite3.OperationalError:  # the tables are not created yet
        return set()
    finally:
        db.close()


def start_ingest(data: Path, corpus: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "BOT_KB__QUANTIZE": "false",
           "BOT_KB__EMBED_THREADS": "1", "ANONYMIZED_TELEMETRY": "False"}
    command = [sys.executable, "-m", "apps.cli.main", "--data-dir", str(data), "ingest",
               str(corpus), "--no-progress"]
    return subprocess.Popen(command, cwd=corpus.parent, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_after_first_writes(process: subprocess.Popen[bytes], settings: Settings) -> None:
    """SIGKILL once some chunks are indexed and the run is still going."""
    for _ in range(3000):
        assert process.poll() is None, "the ingest ended before it could be killed"
        if lexical_path(settings, "docs").exists() and lexical_ids(settings):
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            return
        time.sleep(0.1)
    process.kill()
    raise AssertionError("no chunk was indexed within 300 s")


def test_a_killed_ingest_leaves_lexical_and_vector_indexes_consistent(tmp_path: Path) -> None:
    corpus, data = write_notes(tmp_path / "notes"), tmp_path / "data"
    settings = kb_settings(data)
    kill_after_first_writes(start_ingest(data, corpus), settings)
    store = KnowledgeStore.open(settings, shared_minilm().name)
    chroma, lexical = store.all_ids(), lexical_ids(settings)
    assert lexical and lexical <= chroma, "the lexical index never holds what Chroma lacks"
    assert len(store.manifest()) < FILES, "killed mid-run: not every file was written"

    searcher = Searcher(kb_settings(data, retrieval="lexical"), embedder=shared_minilm())
    searcher.search("code word", 1)  # the first search catches the index up with Chroma
    assert lexical_ids(settings) == chroma

    report = ingest(settings, [corpus], embedder=shared_minilm(), progress=False)
    assert len(report.ingested) + len(report.unchanged) == FILES
    assert report.unchanged, "files completed before the kill are kept, not redone"
    final = KnowledgeStore.open(settings, shared_minilm().name).all_ids()
    assert lexical_ids(settings) == final
    hit = searcher.search("code word w93x3", 1)
    assert hit and "w93x3" in hit[0].text
