"""No API key, Slack token, signing secret, web password or database password ever shows in
what the bot prints or logs: distinctive fake secrets go in, every output is scanned."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOT = [sys.executable, "-m", "apps.cli.main", "--log-level", "debug"]
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
primary = "from_env"
router = "dead"
judge = "echoing"
[profiles.from_env]
base_url = "{echo_url}"
model = "gpt-test"
api_key_env = "LEAKY_TEST_KEY"
max_retries = 0
fallbacks = ["dead", "echoing"]
cooldown_s = 0
[profiles.echoing]
base_url = "{echo_url}"
model = "gpt-test"
api_key = "{SECRETS['profile_key']}"
max_retries = 0
[profiles.dead]
base_url = "{dead}"
model = "gpt-test"
api_key = "{SECRETS['plain_profile_key']}"
max_retries = 0
timeout_s = 2
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


# The echoing server quoted the env key back, and the log line kept the quote, masked: the
# path that would leak it really ran.
QUOTED_AND_MASKED = "Incorrect API key provided: ***"


def test_no_secret_in_any_cli_output_or_log(tmp_path: Path, echo_server: str) -> None:
    output = run_cli_paths(tmp_path, None, echo_server, all_paths=True)
    assert_no_secret(output)
    assert output.count("error id") >= 3  # the failing turns really ran and said so politely
    assert QUOTED_AND_MASKED in output
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


async def test_no_secret_in_slack_messages_or_the_serving_process_output(
    tmp_path: Path, echo_server: str
) -> None:
    pytest.importorskip("slack_bolt")
    from tests.fakes.slack_server import (
        APP_TOKEN,
        BOT_TOKEN,
        BOT_USER,
        SIGNING_SECRET,
        FakeSlack,
        event_body,
    )

    (tmp_path / "bot.toml").write_text(bot_toml(echo_server, None))
    fake = await FakeSlack().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")} | {
        "BOT_SLACK__BOT_TOKEN": BOT_TOKEN, "BOT_SLACK__APP_TOKEN": APP_TOKEN,
        "BOT_SLACK__SIGNING_SECRET": SIGNING_SECRET, "BOT_SLACK__API_URL": fake.api_url,
        "BOT_DATA_DIR": str(tmp_path / "data"), "LEAKY_TEST_KEY": SECRETS["env_key"],
        "PYTHONPATH": str(REPO)}
    proc = await asyncio.create_subprocess_exec(
        *BOT, "serve", "slack", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_connected(timeout=60)
        ts = "1600000000.000200"
        await fake.push(event_body({"type": "app_mention", "user": "U0ALICE", "ts": ts,
                                    "text": f"<@{BOT_USER}> hello?", "channel": "C0GENERAL"}))
        await fake.wait_for(lambda: any("error id" in m.text and not m.streaming
                                        for m in fake.thread("C0GENERAL", ts)), timeout=60)
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await fake.close()
    sent_to_slack = json.dumps([call.args for call in fake.calls], default=str)
    slack_secrets = {"bot": BOT_TOKEN, "app": APP_TOKEN, "signing": SIGNING_SECRET}
    output = out.decode() + err.decode() + sent_to_slack
    assert not [name for name, value in slack_secrets.items() if value in output], output[-4000:]
    assert_no_secret(output)
    assert QUOTED_AND_MASKED in err.decode()  # the failing turn was logged, key masked


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_tracebacks_and_library_logs_are_redacted_too(tmp_path: Path, fmt: str) -> None:
    """A library logging through stdlib, or an exception logged with its traceback, must not
    carry a registered secret out either (the openai SDK's errors quote upstream bodies)."""
    import logging

    import structlog

    from bot.logging import configure_logging
    from contracts.secrets import register_secret

    log_file = tmp_path / "bot.log"
    secret = SECRETS["plain_profile_key"]
    register_secret(secret)
    try:
        configure_logging("debug", fmt, log_file)
        logging.getLogger("slack_bolt.App").error("listener failed for token %s", secret)
        try:
            raise RuntimeError(f"upstream said: bad key {secret}")
        except RuntimeError:
            structlog.get_logger("bot.test").error("turn_crashed", exc_info=True)
            logging.getLogger("asyncio").exception("Task exception was never retrieved")
    finally:
        configure_logging()  # back to stderr at warning for the tests that follow
    written = log_file.read_text()
    assert "listener failed" in written and "turn_crashed" in written
    assert written.count("upstream said") >= 2  # both tracebacks were written...
    assert secret not in written  # ...with the secret masked


def test_no_secret_on_the_web_page_or_from_the_serving_process(
    tmp_path: Path, echo_server: str
) -> None:
    pytest.importorskip("gradio")
    import httpx
    from gradio_client import Client

    (tmp_path / "bot.toml").write_text(bot_toml(echo_server, None))
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")} | {
        "BOT_DATA_DIR": str(tmp_path / "data"), "LEAKY_TEST_KEY": SECRETS["env_key"],
        "PYTHONPATH": str(REPO), "GRADIO_ANALYTICS_ENABLED": "False"}
    proc = subprocess.Popen([*BOT, "serve", "gradio", "--port", str(port)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    seen = []
    try:
        wait_until_serving(url, proc)
        seen.append(httpx.get(url, timeout=30).text)
        refused = httpx.post(url + "login", timeout=30,
                             data={"username": "ada", "password": "wrong-password"})
        seen.append(refused.text)
        web = Client(url, auth=("ada", SECRETS["gradio_password"]), verbose=False,
                     download_files=False, httpx_kwargs={"timeout": httpx.Timeout(60.0)})
        _, messages, _ = web.predict("hello?", [], None, api_name="/chat")
        seen.append(json.dumps(messages))
        seen.append(httpx.get(url + "config", cookies=web.cookies, timeout=30).text)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    output = "\n".join([*seen, out.decode(), err.decode()])
    assert "error id" in seen[2]  # the failing model's answer reached the page politely
    assert QUOTED_AND_MASKED in err.decode()
    assert_no_secret(output)


def wait_until_serving(url: str, proc: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1].decode()[-3000:]
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the Gradio page did not come up")


def test_every_configured_secret_is_registered_for_redaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever path prints one later, each secret in the settings is masked in logs."""
    from apps.cli.runtime import collect_secrets
    from config import load_settings
    from contracts.secrets import redact, register_secret
    from stores.postgres import PostgresStore

    store_url = f"postgresql://bot:{SECRETS['postgres_password']}@127.0.0.1:{closed_port()}/x"
    (tmp_path / "bot.toml").write_text(bot_toml("http://127.0.0.1:9/v1", store_url))
    monkeypatch.setenv("LEAKY_TEST_KEY", SECRETS["env_key"])
    for secret in collect_secrets(load_settings(tmp_path / "bot.toml")):
        register_secret(secret)
    PostgresStore(store_url)  # registers the password alone too; connects only when used
    for name, secret in SECRETS.items():
        assert redact(f"a line quoting {secret}.") == "a line quoting ***.", name
