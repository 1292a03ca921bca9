"""The default knowledge base's files: the user documentation, not the benchmark page."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import default_docs
from knowledge.discover import discover


def test_the_checkouts_default_docs_leave_out_the_benchmark_page() -> None:
    files = default_docs.checkout_docs()
    names = [p.name for p in files]
    assert names[0] == "README.md" and "slack.md" in names
    assert "benchmarks.md" not in names
    assert (default_docs.CHECKOUT / "docs" / "benchmarks.md").is_file()  # still there, linked


def test_the_bundled_copy_has_no_benchmark_page_and_would_not_read_one() -> None:
    assert not (default_docs.BUNDLE / "benchmarks.md").exists()
    assert "benchmarks.md" not in [p.name for p in default_docs.bundled_docs()]


def test_sync_copies_every_user_page_but_the_benchmark_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout, bundle = tmp_path / "checkout", tmp_path / "bundle"
    (checkout / "docs").mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    for name in ("README.md", "docs/slack.md", "docs/benchmarks.md"):
        (checkout / name).write_text(f"# {name}\n")
    bundle.mkdir()
    (bundle / "benchmarks.md").write_text("# a stale copy\n")
    monkeypatch.setattr(default_docs, "CHECKOUT", checkout)
    monkeypatch.setattr(default_docs, "BUNDLE", bundle)
    default_docs.sync_bundle()
    assert sorted(p.name for p in bundle.iterdir()) == ["README.md", "slack.md"]
    found = [Path(f.path).name for f in discover(default_docs.checkout_docs()).files]
    assert sorted(found) == ["README.md", "slack.md"]
