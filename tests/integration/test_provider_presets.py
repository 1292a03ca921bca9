"""Every provider preset, by configuration alone, against a loopback server in its dialect.

For each preset the fake OpenAI server speaks that provider's quirks (key headers, error
bodies, model listing or none, where usage sits in a stream: tests/fakes/provider_quirks.py).
Only the host of the preset's URL is swapped for the fake's; its path, key variable, model
and prices are the preset's own. ``bot config check`` must judge a right and a wrong key,
and a turn must report the provider's usage and the preset's cost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from apps.cli.main import main
from bot.app import Bot
from config import load_settings
from config.profiles import PRESETS
from contracts.events import TextDelta, Usage
from tests.fakes.openai_server import FakeOpenAI, FakeReply

KEY = "provider-key-0123456789"


@dataclass(frozen=True)
class Case:
    preset: str
    serves: str  # the model the fake lists
    key_env: str | None
    path: str  # where the preset's requests must arrive, before /models or /chat/completions


CASES = [
    Case("anthropic", "claude-haiku-4-5", "ANTHROPIC_API_KEY", "/v1"),
    Case("cohere", "command-a-03-2025", "CO_API_KEY", "/compatibility/v1"),
    Case("gemini", "gemini-2.5-flash", "GEMINI_API_KEY", "/v1beta/openai"),
    Case("vertex", "google/gemini-2.5-flash", "VERTEX_ACCESS_TOKEN",
         "/v1/projects/proj-7/locations/us-central1/endpoints/openapi"),
    Case("huggingface", "meta-llama/Llama-3.1-8B-Instruct", "HF_TOKEN", "/v1"),
    Case("hf-endpoint", "my-org/my-model", "HF_TOKEN", "/v1"),
    Case("tgi", "HuggingFaceTB/SmolLM2-1.7B-Instruct", None, "/v1"),
]
IDS = [c.preset for c in CASES]


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> FakeOpenAI:
    case: Case = request.param
    server = FakeOpenAI(provider=case.preset, models=[case.serves],
                        api_key=KEY if case.key_env else None).start()
    request.addfinalizer(server.stop)
    return server


def configure(case: Case, server: FakeOpenAI, monkeypatch: pytest.MonkeyPatch,
              key: str = KEY) -> dict[str, dict[str, str]]:
    """The environment a user sets for the preset; the profile override points at the fake."""
    if case.key_env:
        monkeypatch.setenv(case.key_env, key)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj-7")
    monkeypatch.setenv("HF_ENDPOINT_URL", f"http://127.0.0.1:{server.port}")
    if case.preset == "hf-endpoint":  # its URL is all variable: nothing to override
        return {}
    url = re.sub(r"^https?://[^/]+", f"http://127.0.0.1:{server.port}",
                 PRESETS[case.preset]["base_url"])
    return {case.preset: {"base_url": url}}


def config_check(tmp_path: Path, case: Case, profiles: dict[str, dict[str, str]],
                 capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    toml = f'[roles]\nprimary = "{case.preset}"\n'
    for name, fields in profiles.items():
        toml += f'[profiles."{name}"]\n' + "".join(f'{k} = "{v}"\n' for k, v in fields.items())
    (tmp_path / "bot.toml").write_text(toml)
    status = main(["--data-dir", str(tmp_path / "data"), "config", "check"])
    return status, capsys.readouterr().out


@pytest.mark.parametrize("fake", CASES, ids=IDS, indirect=True)
def test_config_check_accepts_the_presets_key_and_endpoint(
    fake: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = next(c for c in CASES if c.preset == fake.provider)
    status, out = config_check(tmp_path, case, configure(case, fake, monkeypatch), capsys)
    assert status == 0, out
    assert out.startswith(f"[ok] {case.preset} ("), out
    assert {r.path.rsplit("/", 1)[0] for r in fake.requests} <= {case.path, f"{case.path}/chat"}
    if case.key_env:
        assert all(r.headers["Authorization"] == f"Bearer {KEY}" for r in fake.requests)
        assert KEY not in out


@pytest.mark.parametrize("fake", [c for c in CASES if c.key_env], ids=IDS[:-1], indirect=True)
def test_config_check_reads_the_providers_refusal_of_a_wrong_key(
    fake: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = next(c for c in CASES if c.preset == fake.provider)
    profiles = configure(case, fake, monkeypatch, key="wrong-key-0123456789")
    status, out = config_check(tmp_path, case, profiles, capsys)
    assert status == 1
    assert out.startswith(f"[fail] {case.preset} ") and "rejected the API key" in out
    assert fake.quirks.bad_key[1] in out  # the provider's own words, from its error shape
    assert "wrong-key" not in out


@pytest.mark.parametrize("fake", CASES, ids=IDS, indirect=True)
async def test_a_turn_reports_the_providers_usage_at_the_presets_price(
    fake: FakeOpenAI, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = next(c for c in CASES if c.preset == fake.provider)
    profiles = configure(case, fake, monkeypatch)
    settings = load_settings(data_dir=data_dir, tools=[], roles={"primary": case.preset},
                             profiles=profiles)
    fake.reply(FakeReply(text="Hello there.", usage=(1200, 300)))
    bot = Bot.from_settings(settings)
    try:
        events = [e async for e in bot.session("providers").send("Hi")]
    finally:
        await bot.aclose()
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello there."
    [usage] = [e for e in events if isinstance(e, Usage)]
    preset = settings.profiles[case.preset]
    assert (usage.input_tokens, usage.output_tokens) == (1200, 300)
    assert usage.cost_usd == pytest.approx((1200 * preset.price_in + 300 * preset.price_out) / 1e6)
    assert usage.model == (preset.model or case.serves)
    assert fake.chat_requests[-1].path == f"{case.path}/chat/completions"


def test_a_preset_missing_its_variables_says_which_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VERTEX_ACCESS_TOKEN", KEY)
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    status, out = config_check(tmp_path, CASES[3], {}, capsys)
    assert status == 1
    assert out.startswith("[fail] vertex: profiles.vertex.base_url needs the environment "
                          "variable GOOGLE_CLOUD_PROJECT")
    assert "Fix: export GOOGLE_CLOUD_PROJECT=" in out
