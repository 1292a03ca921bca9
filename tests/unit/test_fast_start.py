"""`bot --help` stays fast: none of the heavy optional parts is imported."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["gradio", "slack_bolt", "chromadb", "llama_cpp", "ray", "openai", "onnxruntime", "mcp",
         "httpx2", "starlette", "uvicorn", "opentelemetry", "psycopg",
         "githubkit", "atlassian", "notion_client"]


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom apps.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "usage: bot" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]"


def test_every_subcommand_is_listed_in_help() -> None:
    run = subprocess.run([sys.executable, "-m", "apps.cli.main", "--help"],
                         capture_output=True, text=True, check=True)
    for command in ("chat", "ask", "serve", "config"):
        assert command in run.stdout
