"""No API key, Slack token, signing secret, web password or database password ever shows in
what the bot prints or logs: distinctive fake secrets go in, every output is scanned."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOT = [sys.executable, "-m", "bot.cli.main", "--log-level", "debug"]
# Each distinctive, and several shaped so no generic pattern (sk-..., xoxb-...) could hide a
# leak: only registering the configured value redacts them.
SECRETS = {
    "profile_key": "sk-proj-FAKEprofileKEY7431",
    "plain_profile_key": "plainkey9F3hQ2wZt",
    "env_key": "envkeyW7cT4mQ9zrR",
    "slack_bot_token": "xoxb-1111-2222-FAKEbotTOKEN",
    "slack_app_token": "xapp-1-A111-FAKEappTOKEN",
    "slack_signing_secret": "fakesigning8d1e5c7a9b",
    "gradio_password": "gradioPw-Kq5Vn3",
    "postgres_password": "pgPw-Hx4Lm8Zr",
}


class EchoKeyHandler(BaseHTTPRequestHandler):
    """An OpenAI-compatible server that rejects every key and quotes it back in the body,
    as some providers do: the bot must neither show nor log that body verbatim."""

    def do_GET(self) -> None:
        self._reject()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self._reject()

    def _reject(self) -> None:
        key = self.headers.get("authorization", "").removeprefix("Bearer ")
        body = json.dumps({"error": {"message": f"Incorrect API key provided: {key}",
                                     "type": "invalid_request_error", "code": "invalid_api_key"}})
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoKeyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_toml(echo_url: str, store_url: str | None) -> str:
    dead = f"http://127.0.0.1:{closed_port()}/v1"
    store = f'[store]\nurl = "{store_url}"\n' if store_url else ""
    return f"""
tools = []
[roles]
primary = "echoing"
router = "dead"
judge = "from_env"
[profiles.echoing]
base_url = "{echo_url}"
model = "gpt-test"
api_key = "{SECRETS['profile_key']}"
max_retries = 0
fallbacks = ["dead", "from_env"]
cooldown_s = 0
[profiles.dead]
base_url = "{dead}"
model = "gpt-test"
api_key = "{SECRETS['plain_profile_key']}"
max_retries = 0
timeout_s = 2
[profiles.from_env]
base_url = "{echo_url}"
model = "gpt-test"
api_key_env = "LEAKY_TEST_KEY"
max_retries = 0
[slack]
bot_token = "{SECRETS['slack_bot_token']}"
app_token = "{SECRETS['slack_app_token']}"
signing_secret = "{SECRETS['slack_signing_secret']}"
[gradio]
auth_username = "ada"
auth_password = "{SECRETS['gradio_password']}"
{store}"""


def run_cli_paths(tmp_path: Path, store_url: str | None, echo_url: str, *, all_paths: bool
                  ) -> str:
    """Every output of the CLI paths that touch secrets, concatenated: settings shown and
    checked, failing turns through ``bot ask`` (JSON logs to a file) and ``bot chat``
    (console logs to stderr), all at debug level."""
    (tmp_path / "bot.toml").write_text(bot_toml(echo_url, store_url))
    log_file = tmp_path / "bot.log.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(REPO),
               LEAKY_TEST_KEY=SECRETS["env_key"])
    json_to_file = {**env, "BOT_LOG__FORMAT": "json", "BOT_LOG__FILE": str(log_file)}
    runs = [(["config", "show", "--all"], env, ""), (["ask", "hello?"], json_to_file, "")]
    if all_paths:
        runs += [(["config", "check"], env, ""),
                 (["chat", "--stats"], {**env, "BOT_LOG__FORMAT": "console"}, "hi\n/retry\n")]
    captured = []
    for args, run_env, stdin in runs:
        done = subprocess.run([*BOT, *args], input=stdin, capture_output=True, text=True,
                              cwd=tmp_path, env=run_env, timeout=120)
        captured.append(f"$ bot {' '.join(args)} -> {done.returncode}\n{done.stdout}{done.stderr}")
    captured.append(log_file.read_text() if log_file.exists() else "")
    return "\n".join(captured)


def assert_no_secret(output: str) -> None:
    leaked = {name: secret for name, secret in SECRETS.items() if secret in output}
    assert not leaked, f"secrets leaked: {sorted(leaked)}\n{output[-6000:]}"


def test_no_secret_in_any_cli_output_or_log(tmp_path: Path, echo_server: str) -> None:
    output = run_cli_paths(tmp_path, None, echo_server, all_paths=True)
    assert_no_secret(output)
    assert output.count("error id") >= 3  # the failing turns really ran and said so politely
    assert '"event": "turn_failed"' in (tmp_path / "bot.log.jsonl").read_text()


@pytest.mark.postgres
def test_the_store_password_never_shows(
    tmp_path: Path, echo_server: str, postgres_url: str
) -> None:
    with_password = postgres_url.replace("://bot@", f"://bot:{SECRETS['postgres_password']}@")
    output = run_cli_paths(tmp_path, with_password, echo_server, all_paths=False)
    assert_no_secret(output)
    assert '"event": "turn_failed"' in output  # the store worked; the model failed
    unreachable = f"postgresql://bot:{SECRETS['postgres_password']}@127.0.0.1:{closed_port()}/x"
    output = run_cli_paths(tmp_path, unreachable, echo_server, all_paths=False)
    assert_no_secret(output)
    assert '"event": "store_failed"' in output and "Traceback" not in output
