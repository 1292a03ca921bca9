"""``bot ingest`` and ``bot kb ...`` as a user runs them (in-process, real Chroma)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chromadb.api.client import SharedSystemClient

from apps.cli.main import main
from tests.kb.corpus import write_bad_files, write_corpus


def bot(capsys: pytest.CaptureFixture[str], data_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_search_and_stats(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "handbook")
    write_bad_files(corpus)
    code, out, _ = bot(capsys, data_dir, "ingest", str(corpus), "--no-progress")
    assert code == 0
    assert "ingested:  6 files" in out and "skipped:   5 files" in out
    assert "handbook/corrupt.pdf: corrupt PDF" in out
    code, out, _ = bot(capsys, data_dir, "ingest", str(corpus))
    assert code == 0 and "unchanged: 6 files" in out and "0 embedded" in out
    code, out, _ = bot(capsys, data_dir, "kb", "search", "when", "are", "releases", "deployed")
    assert code == 0 and out.startswith("[1] handbook/deploy.md — Release handbook › Deploying")
    assert "score" in out
    code, out, _ = bot(capsys, data_dir, "kb", "stats")
    assert code == 0 and "files:      6" in out and "minilm" in out


def test_collections_are_separate(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "c")
    assert bot(capsys, data_dir, "ingest", str(corpus / "deploy.md"), "--collection", "ops")[0] == 0
    code, out, _ = bot(capsys, data_dir, "kb", "stats", "--collection", "ops")
    assert code == 0 and "files:      1" in out
    code, _, err = bot(capsys, data_dir, "kb", "stats")
    assert code == 1 and "does not exist yet" in err and "bot ingest" in err
    code, out, _ = bot(capsys, data_dir, "kb", "search", "release")
    assert code == 0 and "knowledge base is empty" in out


def test_errors_are_polite_with_an_id(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = bot(capsys, data_dir, "ingest", str(tmp_path), "--collection", "x")
    assert code == 1 and "error id:" in err and "Traceback" not in err


def test_ensure_default_ingests_the_docs_once_then_is_instant(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    docs = tmp_path / "botdocs"
    docs.mkdir()
    (docs / "slack.md").write_text("# Slack\n\nRun `bot serve slack` after setting the tokens.\n")
    monkeypatch.setenv("BOT_KB__DEFAULT_DOCS", f'["{docs}"]')
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")
    assert code == 0 and "the bot's docs are in (1 files ingested" in err
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")
    assert code == 0 and "up to date" in err
    shutil.rmtree(data_dir / "chroma")  # the index deleted by hand: the stamp must not lie
    SharedSystemClient.clear_system_cache()  # as a new process would see it
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")
    assert "1 files ingested" in err
    (docs / "gradio.md").write_text("# Gradio\n\nRun `bot serve gradio` for the web page.\n")
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")
    assert "1 files ingested, 1 unchanged" in err
    code, out, _ = bot(capsys, data_dir, "kb", "search", "web page")
    assert "gradio.md" in out


def test_ensure_default_leaves_a_teams_own_knowledge_base_alone(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = write_corpus(tmp_path / "team")
    assert bot(capsys, data_dir, "ingest", str(corpus))[0] == 0
    docs = tmp_path / "botdocs"
    docs.mkdir()
    (docs / "slack.md").write_text("# Slack\n\nRun `bot serve slack`.\n")
    monkeypatch.setenv("BOT_KB__DEFAULT_DOCS", f'["{docs}"]')
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")
    assert code == 0 and "already holds 6 files of your own" in err
    _, out, _ = bot(capsys, data_dir, "kb", "stats")
    assert "files:      6" in out


def test_help_does_not_import_the_heavy_parts() -> None:
    import subprocess
    import sys

    heavy = "('chromadb', 'onnxruntime', 'tokenizers', 'pypdf', 'bs4')"
    code = (
        "import sys; from apps.cli.main import build_parser; "
        "build_parser().parse_args(['ingest', 'x']); "
        f"print(sorted(m for m in {heavy} if m in sys.modules))"
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=repo
    )
    assert out.stdout.strip() == "[]"


def test_ensure_default_replaces_the_docs_of_a_checkout_that_moved(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = tmp_path / "clone-1", tmp_path / "clone-2"
    for checkout, word in ((first, "tokens"), (second, "manifest")):
        checkout.mkdir()
        (checkout / "slack.md").write_text(f"# Slack\n\nSet the {word}, run `bot serve slack`.\n")
    monkeypatch.setenv("BOT_KB__DEFAULT_DOCS", f'["{first}"]')
    assert "1 files ingested" in bot(capsys, data_dir, "kb", "ensure-default")[2]
    monkeypatch.setenv("BOT_KB__DEFAULT_DOCS", f'["{second}"]')  # a second clone, same data dir
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")
    assert code == 0 and "the bot's docs are in (1 files ingested" in err
    _, out, _ = bot(capsys, data_dir, "kb", "stats")
    assert "files:      1" in out  # the first clone's copy is gone, not kept as "your own"
    _, out, _ = bot(capsys, data_dir, "kb", "search", "slack")
    assert "manifest" in out and "tokens" not in out


def test_ensure_default_drops_the_benchmark_page_a_data_dir_indexed_before(
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from knowledge import default_docs

    checkout = tmp_path / "checkout"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    (checkout / "README.md").write_text("# bot\n\nRun `make chat`.\n")
    (checkout / "docs" / "slack.md").write_text("# Slack\n\nRun `bot serve slack`.\n")
    (checkout / "docs" / "benchmarks.md").write_text("# Benchmarks\n\nslack: 12 ms per event.\n")
    # What the code before wrote: README.md and the whole docs/ folder, its stamp naming both.
    old_roots = f'["{checkout / "README.md"}", "{checkout / "docs"}"]'
    monkeypatch.setenv("BOT_KB__DEFAULT_DOCS", old_roots)
    assert "3 files ingested" in bot(capsys, data_dir, "kb", "ensure-default")[2]
    monkeypatch.delenv("BOT_KB__DEFAULT_DOCS")
    monkeypatch.setattr(default_docs, "CHECKOUT", checkout)
    code, _, err = bot(capsys, data_dir, "kb", "ensure-default")  # the stale stamp re-ingests
    assert code == 0 and "the bot's docs are in (0 files ingested, 2 unchanged)" in err
    _, out, _ = bot(capsys, data_dir, "kb", "stats")
    assert "files:      2" in out
    _, out, _ = bot(capsys, data_dir, "kb", "search", "slack")
    assert "slack.md" in out and "benchmarks.md" not in out
    assert "up to date" in bot(capsys, data_dir, "kb", "ensure-default")[2]
