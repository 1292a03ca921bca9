"""Log lines keep out what grants access: a Gradio page's key, tracing's header values."""

from __future__ import annotations

from pathlib import Path

import structlog

from apps.cli.runtime import collect_secrets
from bot.logging import configure_logging
from bot.turn_trace import turn_attributes
from config import load_settings
from contracts.secrets import register_secret

SID = "3b9c0f7e-browser-id-that-opens-the-conversation"


def logged(tmp_path: Path, **fields: str) -> str:
    log_file = tmp_path / "bot.log.jsonl"
    configure_logging("info", "json", log_file)
    try:
        structlog.get_logger("test").info("turn", **fields)
    finally:
        structlog.reset_defaults()
    return log_file.read_text()


def test_a_gradio_key_is_logged_as_the_hash_its_trace_carries(tmp_path: Path) -> None:
    key = f"gradio:{SID}"
    line = logged(tmp_path, session=key)
    assert SID not in line
    assert f"gradio:#{turn_attributes(key)['bot.session.hash']}" in line


def test_a_slack_thread_key_stays_readable(tmp_path: Path) -> None:
    key = "slack:T1:C1:1700000000.000100"
    assert key in logged(tmp_path, session=key)


def test_tracing_header_values_are_masked_in_logs(tmp_path: Path) -> None:
    token = "hc-team-9f8e7d6c5b4a3210"
    (tmp_path / "bot.toml").write_text(
        f'[tracing]\nheaders = {{ x-honeycomb-team = "{token}" }}\n')
    for secret in collect_secrets(load_settings(tmp_path / "bot.toml")):
        register_secret(secret)
    line = logged(tmp_path, detail=f"export failed with headers {token}")
    assert token not in line
