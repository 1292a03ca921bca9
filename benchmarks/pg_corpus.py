"""The public corpus of the retrieval and ingestion benchmarks: the PostgreSQL 15 manual.

Debian's ``postgresql-doc-15`` installs the whole manual as 1,169 HTML pages (about 16,000
chunks) under ``/usr/share/doc/postgresql-doc-15/html``: a real documentation set of the
size the knowledge base must handle. ``benchmarks/data/postgresql15_questions.json`` holds
the questions written from its pages. ``make bench-corpus`` (``python -m
benchmarks.pg_corpus install``) installs it; the test suite never needs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = "postgresql-doc-15"
HTML = Path("/usr/share/doc/postgresql-doc-15/html")
QUESTIONS = Path(__file__).resolve().parent / "data" / "postgresql15_questions.json"
MIN_PAGES = 1000


def pages() -> list[Path]:
    return sorted(HTML.glob("*.html"))


def require() -> list[Path]:
    """The manual's pages, or an error that says how to install them."""
    found = pages()
    if len(found) < MIN_PAGES:
        raise SystemExit(
            f"the PostgreSQL manual is not installed ({len(found)} pages in {HTML}). "
            "Fix: make bench-corpus (apt-get install postgresql-doc-15, as root)"
        )
    return found


def question_pages() -> list[str]:
    data = json.loads(QUESTIONS.read_text())
    names = {s for q in data["questions"] for s in ([q["source"]] if isinstance(q["source"], str)
                                                      else q["source"])}
    return sorted(names)


def subset(folder: Path, every: int) -> Path:
    """A smaller corpus in ``folder``: every page a question names, and every n-th page."""
    folder.mkdir(parents=True, exist_ok=True)
    all_pages = require()
    chosen = {p.name for p in all_pages[::every]} | set(question_pages())
    for page in all_pages:
        if page.name in chosen:
            shutil.copy2(page, folder / page.name)
    return folder


def install() -> int:
    if len(pages()) >= MIN_PAGES:
        print(f"{PACKAGE}: {len(pages())} pages in {HTML}")
        return 0
    apt = ["apt-get", "install", "-y", "--no-install-recommends", PACKAGE]
    if subprocess.run(apt).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(apt, check=True)
    print(f"{PACKAGE}: {len(require())} pages in {HTML}")
    return 0


if __name__ == "__main__":
    sys.exit(install() if sys.argv[1:] == ["install"] else print(len(pages())) or 0)
