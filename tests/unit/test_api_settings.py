"""API keys in settings, and base URLs that name environment variables."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from apps.cli.runtime import describe_validation_error
from backends.endpoints import resolve_base_url
from config.profiles import PRESETS, ProfileSettings
from config.sections import ApiSettings
from contracts.llm_errors import LLMNotConfigured

GOOD = "k" * 16


@pytest.mark.parametrize(("keys", "message"), [
    ({"has space": GOOD}, "must be 1-64 letters"),
    ({"ci": "short"}, "api.keys.ci is shorter than 16 characters"),
    ({"a": GOOD, "b": GOOD}, "api.keys.b repeats another key's value"),
])
def test_unusable_keys_are_bad_configuration(keys: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ApiSettings(keys=keys)  # type: ignore[arg-type]
    shown = describe_validation_error(caught.value)  # what `bot` prints
    assert message in shown and GOOD not in shown


def test_a_base_url_fills_in_its_variables_and_their_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vertex = ProfileSettings(**PRESETS["vertex"])
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj-7")
    monkeypatch.delenv("GOOGLE_CLOUD_LOCATION", raising=False)
    assert resolve_base_url("vertex", vertex) == (
        "https://us-central1-aiplatform.googleapis.com/v1/projects/proj-7/locations/"
        "us-central1/endpoints/openapi")
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "europe-west4")
    assert resolve_base_url("vertex", vertex).startswith("https://europe-west4-aiplatform.")
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT")
    with pytest.raises(LLMNotConfigured, match="needs the environment variable "
                       "GOOGLE_CLOUD_PROJECT"):
        resolve_base_url("vertex", vertex)
    assert resolve_base_url("x", ProfileSettings()) == "https://api.openai.com/v1"
