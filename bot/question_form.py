"""An elicitation's schema as form fields, and what a person filled in as the answer's content.

MCP limits an elicitation to an object of flat fields: string (optionally an enum), integer,
number and boolean. A form (Gradio, a Slack modal) shows one input per field; what comes
back may be text (a Slack text input) or typed (a Gradio number box), and is checked here the
same way for every presenter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TRUE, FALSE = {"y", "yes", "true", "1", "on"}, {"n", "no", "false", "0", "off"}


@dataclass(frozen=True)
class Field:
    """One input of the form."""

    name: str
    title: str
    kind: str  # string, integer, number, boolean
    choices: tuple[str, ...]  # an enum's values; empty for free input
    required: bool
    description: str = ""
    default: Any = None


def fields(schema: dict[str, Any]) -> list[Field]:
    """The fields of an elicitation's ``requested_schema``, in the server's order."""
    required = set(schema.get("required") or [])
    out = []
    for name, spec in dict(schema.get("properties") or {}).items():
        spec = spec if isinstance(spec, dict) else {}
        choices = tuple(str(c) for c in spec.get("enum") or ())
        out.append(Field(name, str(spec.get("title") or name), str(spec.get("type", "string")),
                         choices, name in required, str(spec.get("description") or ""),
                         spec.get("default")))
    return out


def typed(value: Any, field: Field) -> Any:
    """``value`` as the field's type; None when empty; raises ValueError when it does not fit."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field.choices:
        if str(value) not in field.choices:
            raise ValueError(f"choose one of {', '.join(field.choices)}")
        return str(value)
    if field.kind == "boolean":
        return _boolean(value)
    if field.kind in ("integer", "number"):
        return _number(value, field.kind)
    return str(value).strip()


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    low = str(value).strip().lower()
    if low in TRUE | FALSE:
        return low in TRUE
    raise ValueError("answer yes or no")


def _number(value: Any, kind: str) -> int | float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError("give a number") from None
    if kind == "number":
        return number
    if not number.is_integer():
        raise ValueError("give a whole number")
    return int(number)


def content(form: list[Field], values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The answer's content from the filled-in ``values``, and a problem per field that has
    one (empty when the answer can go to the server)."""
    out: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for field in form:
        try:
            value = typed(values.get(field.name), field)
        except ValueError as exc:
            problems[field.name] = f"{field.title}: {exc}"
            continue
        if value is None and field.required:
            problems[field.name] = f"{field.title}: this is required"
        elif value is not None:
            out[field.name] = value
    return out, problems
