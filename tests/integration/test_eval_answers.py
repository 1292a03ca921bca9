"""``bot eval answers`` against a loopback OpenAI-compatible server and a real knowledge base.

Two profiles on the same fake server: ``good`` answers from the passage and cites it,
``cheap`` names a gateway the documents never mention. The judge role (``good``) says yes
to a fact the answer paraphrases, and prefers the answer holding the documents' gateway
whichever position it is shown in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from apps.cli.main import main
from config import Settings
from knowledge.ingest import ingest
from tests.fakes.openai_profiles import fake_profile
from tests.fakes.openai_server import (
    FakeOpenAI,
    FakeReply,
    openai_server_fixture,  # noqa: F401
)
from tests.kb.helpers import kb_settings, shared_minilm

GOOD = "The VPN gateway is vpn.example.com [1]. Install the company certificate first [1]."
CHEAP = "Connect to the gateway at vpn.corp.invalid with your password [1]."
QUESTIONS = [
    {"id": "vpn", "question": "How do I connect to the VPN?", "sources": ["vpn.md"],
     "facts": ["vpn.example.com", "a certificate is needed"]},
    {"id": "hamlet", "question": "Who wrote Hamlet?", "covered": False},
]


def reply_for(body: dict[str, Any]) -> FakeReply:
    """What each prompt of the pipeline, the fact judge and the pairwise judge gets."""
    prompt = "\n".join(str(m.get("content")) for m in body["messages"])
    hamlet = "Hamlet" in prompt.rsplit("Message:", 1)[-1]
    if "Does this message need the knowledge base?" in prompt:
        return FakeReply(text="no" if hamlet else "yes")
    if "Is this message small talk?" in prompt:
        return FakeReply(text="yes" if hamlet else "no")
    if prompt.rstrip().endswith("Query:"):
        return FakeReply(text="connect VPN")
    if "against an expectation" in prompt:
        return FakeReply(text="yes" if "certificate" in prompt.split("Expectation")[0] else "no")
    if "Candidate A:" in prompt:
        a = prompt.split("Candidate A:")[1].split("Candidate B:")[0]
        return FakeReply(text="Answer: A" if "vpn.example.com" in a else "Answer: B")
    if hamlet:
        return FakeReply(text="William Shakespeare.")
    return FakeReply(text=GOOD if body["model"] == "good-model" else CHEAP)


@pytest.fixture
def eval_setup(tmp_path: Path, openai_server: FakeOpenAI) -> tuple[Path, Settings]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "vpn.md").write_text("# VPN\n\n## Connecting\n\nThe VPN gateway is "
                                 "vpn.example.com. Install the company certificate first.\n")
    (docs / "printers.md").write_text("# Printers\n\nPrinters are on the second floor.\n")
    settings = kb_settings(tmp_path / "data")
    ingest(settings, [docs], embedder=shared_minilm(), progress=False)
    openai_server.models = ["good-model", "cheap-model"]
    openai_server.respond = reply_for
    toml = tmp_path / "bot.toml"
    toml.write_text(
        f'data_dir = "{tmp_path / "data"}"\nagent = "pipeline"\ntools = ["search_knowledge"]\n'
        '[roles]\nprimary = "good"\n[pipeline]\nchecks = "off"\n[eval]\nconcurrency = 1\n'
        + "".join(f"[profiles.{name}]\n" + "".join(
            f"{k} = {json.dumps(v)}\n" for k, v in
            fake_profile(openai_server, model=f"{name}-model", timeout_s=30.0).items())
            for name in ("good", "cheap")))
    data = tmp_path / "questions.json"
    data.write_text(json.dumps(QUESTIONS))
    return toml, settings


def run_cli(toml: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--config", str(toml), "eval", "answers", *args, "--no-progress"])
    return code, capsys.readouterr().out


def test_one_configuration_is_scored_per_question_and_in_total(
    eval_setup: tuple[Path, Settings], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    toml, _ = eval_setup
    code, out = run_cli(toml, str(tmp_path / "questions.json"), "--out",
                        str(tmp_path / "run"), capsys=capsys)
    assert "PASS  vpn: source yes, facts 2/2, covered right, unsupported 0" in out, out
    assert "PASS  hamlet: source —, facts —, not covered right" in out, out
    assert "facts stated 2/2 (1 by the judge role)" in out, out
    assert re.search(r"cost \$0\.\d{4} \(\d+ tokens\)", out), out
    report = json.loads((tmp_path / "run" / "report.json").read_text())
    assert report["runs"][0]["totals"]["correct"] == 2 and code == 0


def test_against_a_cheaper_profile_shows_both_and_the_order_swapped_judge(
    eval_setup: tuple[Path, Settings], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    toml, _ = eval_setup
    code, out = run_cli(toml, str(tmp_path / "questions.json"), "--against", "cheap",
                        "--out", str(tmp_path / "run"), capsys=capsys)
    cheap = out.split("== cheap")[1]
    assert "FAIL  vpn: source yes, facts 0/2, covered right, unsupported 1" in cheap, out
    assert "good: 2/2 right in every respect" in out and "cheap: 1/2 right" in out, out
    assert "judge, both orders: good better 1, cheap better 0, position bias AA 0 / BB 0, " \
        "unclear 0, errors 0; identical answers 1" in out, out
    assert code == 0


def test_a_question_without_sources_or_facts_is_refused_with_the_fix(
    eval_setup: tuple[Path, Settings], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    toml, _ = eval_setup
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "x", "question": "How do I print?"}]))
    code = main(["--config", str(toml), "eval", "answers", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "names no 'sources' or 'facts'" in err and "Fix:" in err
