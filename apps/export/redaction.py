"""PII redaction for exported text: built-in patterns, plus hooks named ``module:function``.

A hook takes a string and returns it redacted; hooks run after the built-ins, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.registry import load
from contracts.secrets import redact as redact_secrets

Redactor = Callable[[str], str]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{7,}\d(?!\w)")
KEY = re.compile(r"\b(?:sk|pk|rk|ghp|gho|xox[abpre]|xapp|AKIA)[-_A-Za-z0-9]{12,}\b")
BUILTINS: dict[str, Redactor] = {
    "email": lambda text: EMAIL.sub("[email]", text),
    "phone": lambda text: PHONE.sub("[phone]", text),
    "keys": lambda text: redact_secrets(KEY.sub("[key]", text)),
}


class RedactionError(ValueError):
    """A hook that cannot be loaded; the message says how to name one."""


def build_redactor(builtins: Sequence[str], hooks: Sequence[str]) -> Redactor:
    """One function applying the chosen built-ins, then each ``module:function`` hook."""
    steps = [BUILTINS[name] for name in builtins]
    for spec in hooks:
        try:
            hook = load(spec)
        except (ImportError, AttributeError, ValueError) as exc:
            raise RedactionError(f"--redact {spec!r} cannot be loaded ({exc}). Fix: name a "
                                 "function as module:function, importable from here") from None
        if not callable(hook):
            raise RedactionError(f"--redact {spec!r} is not a function. Fix: name a function "
                                 "that takes a string and returns it redacted")
        steps.append(hook)

    def redact(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return redact
