"""The embedded model in its worker process: real signals to the real worker, the bot lives on."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from contextlib import aclosing
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from backends.llamacpp_backend import LlamaCppBackend
from backends.model_files import available_memory, default_gguf
from bot.app import Bot
from config import Settings, load_settings
from contracts.events import Done, Error, Event, TextDelta, Usage

pytestmark = pytest.mark.embedded
STORY = "Write a long story about a lighthouse keeper and her cat."


def embedded_settings(data_dir: Path, **local: Any) -> Settings:
    profile = {"max_tokens": 200, **local}
    return load_settings(data_dir=data_dir, tools=[], profiles={"local": profile})


def worker_of(bot: Bot) -> LlamaCppBackend:
    backend = bot.models.backend("local")
    assert isinstance(backend, LlamaCppBackend)
    return backend


async def turn(bot: Bot, key: str, text: str, on_first_text: Any = None) -> list[Event]:
    """One whole turn; ``on_first_text()`` runs when the first token arrives."""
    events: list[Event] = []
    async with aclosing(bot.session(key).send(text)) as stream:
        async for event in stream:
            if isinstance(event, TextDelta) and on_first_text and not any(
                    isinstance(e, TextDelta) for e in events):
                on_first_text()
            events.append(event)
    return events


@pytest.fixture
async def bot(data_dir: Path) -> Any:
    made = Bot.from_settings(embedded_settings(data_dir))
    yield made
    await made.aclose()


async def test_the_model_runs_in_a_child_process_not_in_the_bot() -> None:
    code = ("import asyncio, sys; from bot.app import Bot; from config import Settings\n"
            "async def main():\n"
            "    bot = Bot.from_settings(Settings(tools=[]))\n"
            "    [e async for e in bot.session('stdio:x').send('Say hi.')]\n"
            "    pid = bot.models.backend('local').worker_pid\n"
            "    await bot.aclose()\n"
            "    print('llama_cpp' in sys.modules, pid is not None)\n"
            "asyncio.run(main())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=240, check=True, cwd=os.getcwd())
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(("sig", "cause"), [
    (signal.SIGILL, "this CPU cannot run the compiled llama.cpp"),
    (signal.SIGSEGV, "llama.cpp crashed (SIGSEGV)"),
    (signal.SIGKILL, "out-of-memory killer"),
])
async def test_a_worker_killed_mid_answer_ends_the_turn_politely_and_the_next_one_answers(
        bot: Bot, sig: signal.Signals, cause: str) -> None:
    backend = worker_of(bot)
    with capture_logs() as logs:
        events = await turn(bot, "stdio:crash", STORY,
                            lambda: os.kill(backend.worker_pid or 0, sig))
    errors = [e for e in events if isinstance(e, Error)]
    assert len(errors) == 1 and errors[0].error_id in errors[0].message
    assert "Traceback" not in errors[0].message
    done = events[-1]
    assert isinstance(done, Done) and done.interrupted
    died = [line for line in logs if line.get("event") == "embedded_worker_died"]
    assert len(died) == 1 and cause in died[0]["cause"] and died[0]["fix"]
    history = await bot.session("stdio:crash").history()
    assert history[0].role == "user" and history[0].text == STORY
    after = await turn(bot, "stdio:crash", "What is the capital of France?")
    assert not any(isinstance(e, Error) for e in after)
    assert "Paris" in "".join(e.text for e in after if isinstance(e, TextDelta))


async def test_repeated_crashes_put_the_worker_in_cooldown_and_the_fallback_answers(
        data_dir: Path) -> None:
    settings = embedded_settings(data_dir, fallbacks=["echo"], cooldown_s=600)
    bot = Bot.from_settings(settings)
    try:
        backend = worker_of(bot)
        for n in range(2):
            await turn(bot, f"stdio:c{n}", STORY,
                       lambda: os.kill(backend.worker_pid or 0, signal.SIGSEGV))
        # not small talk: with the pipeline's checks a greeting gets a fixed reply, no model
        events = await turn(bot, "stdio:after", "Tell me about llamas.")
    finally:
        await bot.aclose()
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage.backend == "echo"
    assert not any(isinstance(e, Error) for e in events)
    assert backend.worker_pid is None  # no third worker was started while cooling down


async def test_a_hung_worker_is_killed_after_the_stall_timeout(data_dir: Path) -> None:
    bot = Bot.from_settings(embedded_settings(data_dir, stall_timeout_s=2))
    try:
        backend = worker_of(bot)
        stopped: list[int] = []

        def freeze() -> None:
            stopped.append(backend.worker_pid or 0)
            os.kill(stopped[0], signal.SIGSTOP)

        with capture_logs() as logs:
            events = await turn(bot, "stdio:hang", STORY, freeze)
        after = await turn(bot, "stdio:hang", "What is the capital of France?")
    finally:
        await bot.aclose()
    error = next(e for e in events if isinstance(e, Error))
    assert "stopped responding" in error.message
    assert any(line.get("event") == "embedded_worker_stalled" for line in logs)
    assert not Path(f"/proc/{stopped[0]}").exists() or _zombie(stopped[0])
    assert "Paris" in "".join(e.text for e in after if isinstance(e, TextDelta))


def _zombie(pid: int) -> bool:
    return " Z " in Path(f"/proc/{pid}/stat").read_text()


async def test_stop_mid_answer_cancels_generation_and_the_next_turn_is_clean(bot: Bot) -> None:
    pieces: list[str] = []
    async with aclosing(bot.session("stdio:stop").send(STORY)) as stream:
        async for event in stream:
            if isinstance(event, TextDelta):
                pieces.append(event.text)
            if len(pieces) == 3:
                break
    backend = worker_of(bot)
    pid = backend.worker_pid
    after = await turn(bot, "stdio:stop", "What is the capital of France?")
    text = "".join(e.text for e in after if isinstance(e, TextDelta))
    assert "Paris" in text and "lighthouse" not in text.lower()
    assert backend.worker_pid == pid  # the same worker, not a restart
    history = await bot.session("stdio:stop").history()
    assert history[1].interrupted and history[1].text == "".join(pieces)


@pytest.mark.parametrize(("content", "expected"), [
    (None, "is not a file"),
    (b"not a model at all", "is not a GGUF model"),
    (b"GGUF" + b"\x00" * 64, "does not load"),
])
async def test_a_bad_model_file_says_which_setting_to_fix_and_keeps_the_turn(
        data_dir: Path, tmp_path: Path, content: bytes | None, expected: str) -> None:
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    bot = Bot.from_settings(embedded_settings(data_dir, model_path=str(path)))
    try:
        events = await turn(bot, "stdio:bad", "What is a llama?")  # a greeting needs no model
        history = await bot.session("stdio:bad").history()
    finally:
        await bot.aclose()
    error = next(e for e in events if isinstance(e, Error))
    assert expected in error.message and "profiles.local.model_path" in error.message
    assert history[0].text == "What is a llama?"


async def test_a_model_bigger_than_memory_is_refused_before_loading(
        data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.gguf"
    with path.open("wb") as handle:  # sparse: takes no disk
        handle.write(default_gguf().read_bytes()[:4096])
        handle.truncate(2 * (available_memory() or 1 << 36))
    bot = Bot.from_settings(embedded_settings(data_dir, model_path=str(path)))
    try:
        events = await turn(bot, "stdio:huge", "What is a llama?")
    finally:
        await bot.aclose()
    error = next(e for e in events if isinstance(e, Error))
    assert "GiB of memory is available" in error.message and "smaller" in error.message


async def test_the_probe_turns_a_crash_into_one_sentence_with_the_fix() -> None:
    backend = LlamaCppBackend.from_profile("local", Settings().profiles["local"])
    probe = asyncio.create_task(backend.probe())
    pid = await _child_worker()
    os.kill(pid, signal.SIGILL)
    result = await probe
    assert result.verdict == "fail"
    assert "this CPU cannot run the compiled llama.cpp" in result.line()
    assert "make rebuild-local" in result.line()
    ok = await backend.probe()
    assert ok.verdict == "ok" and "generated a token" in ok.detail


async def _child_worker() -> int:
    """The pid of this process's llama.cpp worker child, once it exists."""
    for _ in range(400):
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _is_our_worker(entry):
                return int(entry.name)
        await asyncio.sleep(0.01)
    raise AssertionError("no worker process appeared")


def _is_our_worker(proc: Path) -> bool:
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return False
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    return ppid == os.getpid() and b"backends.llamacpp_worker" in cmdline
