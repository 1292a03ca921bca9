"""Gradio settings: sign-in needs both halves, and the error says which one and how to fix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from apps.cli.runtime import describe_validation_error
from config.sections import GradioSettings
from presenters.gradio.keys import session_id, session_key, storage_secret


def test_password_without_username_names_the_field_and_the_fix() -> None:
    with pytest.raises(ValidationError) as err:
        GradioSettings(auth_password="hunter22")  # type: ignore[arg-type]
    message = describe_validation_error(err.value)  # what `bot serve gradio` prints
    assert "gradio.auth_username is missing" in message and "Fix:" in message
    assert "hunter22" not in message


def test_username_without_password_is_refused() -> None:
    with pytest.raises(ValidationError, match="auth_password is missing"):
        GradioSettings(auth_username="ada")


def test_password_is_a_secret() -> None:
    s = GradioSettings(auth_username="ada", auth_password="hunter22")  # type: ignore[arg-type]
    assert "hunter22" not in repr(s) and s.auth_password is not None
    assert s.auth_password.get_secret_value() == "hunter22"


def test_client_chosen_ids_are_replaced_unless_they_look_minted() -> None:
    minted = session_id(None)
    assert session_id(minted) == minted and len(minted) >= 22
    for forged in ("slack:T1:C1:1.2", "../etc", "short", 42, ""):
        assert session_id(forged) not in (forged, str(forged))
    assert session_key(minted) == f"gradio:{minted}"


def test_storage_secret_is_stable_across_restarts() -> None:
    assert storage_secret(None, "k") == storage_secret(None, "k") != storage_secret(None, "j")
    assert storage_secret("mine", "k") == "mine"
