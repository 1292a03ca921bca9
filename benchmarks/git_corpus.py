"""The held-out corpus of the retrieval benchmarks: the Git manual.

Debian's ``git-doc`` installs Git's documentation as 242 HTML pages under
``/usr/share/doc/git-doc`` (reference pages, tutorials beside them, ``howto/`` and
``technical/``), next to the AsciiDoc ``.txt`` each page is built from. No retrieval setting
was chosen on it: it checks that what was tuned on the PostgreSQL manual generalizes.
``benchmarks/data/gitdoc_questions.json`` holds the questions written from its pages.
``python -m benchmarks.git_corpus install`` installs it (as root).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = "git-doc"
DOC = Path("/usr/share/doc/git-doc")
QUESTIONS = Path(__file__).resolve().parent / "data" / "gitdoc_questions.json"
MIN_PAGES = 200


def pages() -> list[Path]:
    return sorted(DOC.rglob("*.html"))


def require() -> list[Path]:
    """The manual's HTML pages, or an error that says how to install them."""
    found = pages()
    if len(found) < MIN_PAGES:
        raise SystemExit(
            f"the Git manual is not installed ({len(found)} pages in {DOC}). "
            "Fix: python -m benchmarks.git_corpus install (apt-get install git-doc, as root)"
        )
    return found


def html_copy(folder: Path) -> Path:
    """The HTML pages alone, copied under ``folder`` (the ``.txt`` sources would double
    every page in the index)."""
    for page in require():
        target = folder / page.relative_to(DOC)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)
    return folder


def install() -> int:
    if len(pages()) < MIN_PAGES:
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", PACKAGE],
                       check=True)
    print(f"{PACKAGE}: {len(require())} pages in {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(install() if sys.argv[1:] == ["install"] else print(len(pages())) or 0)
