"""PII redaction for exported text: built-in kinds, plus hooks named ``module:function``.

Secrets go first, found by a maintained scanner (``apps.export.secret_scan``): the PII
rules run after, so a phone pattern can no longer eat the digit groups of a Slack token and
leave the rest of it readable. A hook takes a string and returns it redacted; hooks run
after the built-ins, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from apps.export.phones import redact_phones
from apps.export.secret_scan import redact_secrets
from bot.registry import load
from contracts.secrets import redact as redact_known

Redactor = Callable[[str], str]
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# In the order they run: secrets first (see the module's docstring).
BUILTINS: dict[str, Redactor] = {
    "keys": lambda text: redact_known(redact_secrets(text)),
    "email": lambda text: EMAIL.sub("[email]", text),
    "phone": redact_phones,
}


class RedactionError(ValueError):
    """A hook that cannot be loaded; the message says how to name one."""


def build_redactor(builtins: Sequence[str], hooks: Sequence[str]) -> Redactor:
    """One function applying the chosen built-ins, then each ``module:function`` hook."""
    if "keys" in builtins:
        _require_scanner()
    steps = [step for name, step in BUILTINS.items() if name in builtins]
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


def _require_scanner() -> None:
    try:
        import detect_secrets  # noqa: F401
    except ImportError:
        raise RedactionError("redacting keys needs detect-secrets, which is not installed. "
                             "Fix: pip install 'bot[export]' (or --keep keys to export "
                             "without it)") from None
