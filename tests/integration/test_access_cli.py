"""``bot kb search --as`` and ``bot access whois`` as an operator runs them (in-process, real
Chroma): exactly what that person would get, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.cli.main import main
from knowledge.lexical_sync import open_index
from knowledge.readers import set_readers
from knowledge.store import KnowledgeStore
from tests.kb.helpers import kb_settings, shared_minilm


def bot(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_kb_search_as_a_person_shows_only_what_they_may_read(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "salaries.md").write_text("# Salaries\n\nThe salary bands are reviewed in March.\n")
    (docs / "lunch.md").write_text("# Lunch\n\nThe salary of the cook is paid by the caterer.\n")
    config = tmp_path / "bot.toml"
    config.write_text('[access.groups]\nhr = ["user:hana@example.com"]\n')
    base = ["--config", str(config), "--data-dir", str(data_dir)]
    assert bot(capsys, *base, "ingest", str(docs), "--no-progress")[0] == 0
    settings = kb_settings(data_dir)
    store = KnowledgeStore.open(settings, shared_minilm().name, write=True)
    try:
        set_readers(store, open_index(settings, settings.kb.collection),
                    lambda m: ["group:hr"] if "salaries" in str(m.get("path")) else None)
    finally:
        store.close()
    query = ["kb", "search", "salary", "bands", "--min-score", "-1"]
    code, out = bot(capsys, *base, *query, "--as", "hana@example.com")
    assert code == 0 and "salaries.md" in out and "lunch.md" in out
    code, out = bot(capsys, *base, *query, "--as", "bob@example.com")
    assert code == 0 and "salaries.md" not in out and "lunch.md" in out
    code, out = bot(capsys, *base, "access", "whois", "hana@example.com")
    assert code == 0 and "group:hr" in out and "[access.groups] hr" in out
    assert "[access] is off" in out
