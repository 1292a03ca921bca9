"""Secrets of a source, read from the environment variable its options name (never from
bot.toml), so a missing one is reported naming the variable, the option and the fix."""

from __future__ import annotations

import os

from pydantic import SecretStr

from sources.model import AuthFailed


def secret_from_env(variable: str, *, field: str, how: str) -> SecretStr:
    """The secret in ``variable``; AuthFailed naming the variable, the option that names
    it (``field``) and how to get one (``how``) when it is unset or empty."""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise AuthFailed(
            f"{variable} is not set ({field} = {variable!r}): {how}, then export {variable}"
        )
    return SecretStr(value)


def optional_secret(variable: str) -> SecretStr | None:
    """The value of ``variable`` as a SecretStr, or None when it is unset or empty."""
    value = os.environ.get(variable, "").strip()
    return SecretStr(value) if value else None
