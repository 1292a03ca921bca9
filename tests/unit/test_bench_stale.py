"""`make bench-stale` names the sections of docs/benchmarks.md whose code changed since they
were measured, so a stale figure is visible."""

from __future__ import annotations

from benchmarks.stale import code_of, stale_sections
from benchmarks.stamp import ROOT, Stamp, git


def section(name: str, commit: str | None) -> str:
    mark = "" if commit is None else Stamp(commit, False, "2026-12-07", "a CPU", 2, 0.1, 0.2,
                                           3).markdown()
    return f"<!-- bench:{name} -->\nfigures\n\n{mark}\n<!-- /bench:{name} -->\n"


def test_a_section_measures_its_module_and_what_it_imports() -> None:
    files = {str(p.relative_to(ROOT)) for p in code_of("session_overhead")}
    assert {"benchmarks/session_overhead.py", "bot/session.py", "bot/turn.py"} <= files
    assert not any(f.startswith("presenters/gradio") for f in files)


def test_a_section_measures_the_code_its_child_process_runs() -> None:
    """api_floor starts ``python -m apps.cli.main serve api``; the CLI finds the command by
    name and the presenter by ``f"presenters.{name}"``: none of it is imported."""
    files = {str(p.relative_to(ROOT)) for p in code_of("api_floor")}
    assert {"apps/cli/serve.py", "presenters/api/turns.py", "presenters/api/app.py"} <= files


def test_the_page_driver_does_not_make_a_section_measure_every_other() -> None:
    files = {str(p.relative_to(ROOT)) for p in code_of("quoted_sections")}
    assert "benchmarks/run.py" in files and "benchmarks/kb_embed.py" not in files


def test_a_section_measured_at_the_first_commit_is_stale_and_says_what_changed() -> None:
    first = git("rev-list", "--max-parents=0", "HEAD").split()[-1][:10]
    [(name, why)] = stale_sections(section("session_overhead", first))
    assert name == "session_overhead"
    assert why.startswith(f"changed since {first}: agents/") and why.endswith(" more")


def test_a_section_without_a_commit_in_its_stamp_is_stale() -> None:
    assert stale_sections(section("cli_startup", None)) == [
        ("cli_startup", "no commit in its stamp (measured before stamps had one)")]


def test_the_stamp_says_where_and_when() -> None:
    text = Stamp("abc1234567", True, "2026-12-07", "AMD EPYC 7B13", 2, 0.31, 1.02, 39).markdown()
    assert "<!-- measured: commit=abc1234567+changes date=2026-12-07 -->" in text
    assert "at commit abc1234567 with uncommitted changes on AMD EPYC 7B13 (2 cores)" in text
    assert "load average 0.31 before and 1.02 after" in text
