"""Secrets of a source, read from the environment variable its options name."""

from __future__ import annotations

import os

from pydantic import SecretStr

from sources.model import AuthFailed


def secret_from_env(variable: str, fix: str) -> SecretStr:
    """The value of ``variable`` as a SecretStr; AuthFailed naming it and ``fix`` when unset."""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise AuthFailed(f"{variable} is not set: {fix}")
    return SecretStr(value)


def optional_secret(variable: str) -> SecretStr | None:
    """The value of ``variable`` as a SecretStr, or None when it is unset or empty."""
    value = os.environ.get(variable, "").strip()
    return SecretStr(value) if value else None
