"""A profile's base URL with ``${VAR}`` and ``${VAR:-default}`` read from the environment.

Some endpoints carry account details in their path (Vertex AI: project and location; a
Hugging Face Inference Endpoint: its own host), so a preset can name them as variables.
They are read when the client is built, never when settings load: a preset no role uses
never needs its variables.
"""

from __future__ import annotations

import os
import re

from config.profiles import ProfileSettings
from contracts.llm_errors import LLMNotConfigured

OPENAI_URL = "https://api.openai.com/v1"
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def resolve_base_url(name: str, profile: ProfileSettings) -> str:
    """The profile's base URL with its variables filled in; OpenAI's when it has none.

    Raises :class:`LLMNotConfigured` naming the first variable that is unset and has no
    default, and how to fix it.
    """
    url = profile.base_url or OPENAI_URL

    def value(match: re.Match[str]) -> str:
        variable, default = match.group(1), match.group(2)
        found = os.environ.get(variable) or default
        if found is None:
            raise LLMNotConfigured(
                f"profiles.{name}.base_url needs the environment variable {variable} "
                f"({url}). Fix: export {variable}=..., or set profiles.{name}.base_url "
                "to the full URL", profile=name)
        return found

    return _VARIABLE.sub(value, url)
