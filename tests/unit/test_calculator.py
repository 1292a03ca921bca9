"""The calculator evaluates arithmetic and refuses everything else."""

from __future__ import annotations

import pytest

from contracts.tools import ToolError
from tests.tool_context import tool_context
from tools.calculator import Calculator, CalculatorArgs, evaluate


@pytest.mark.parametrize(
    ("expression", "value"),
    [("17 * 23", 391), ("2 ** 10", 1024), ("(1 + 2) * 3 - 4 / 2", 7.0), ("7 // 2", 3),
     ("-3 + +5", 2), ("sqrt(16)", 4.0), ("2^3", 8), ("10 % 4", 2), ("round(pi, 2)", 3.14),
     ("17 * 23 = 456", 391)],
)
def test_arithmetic(expression: str, value: float) -> None:
    assert evaluate(expression) == value


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('true')", "open('x')", "a + 1", "1 +", "9 ** 99999", "1 / 0",
     "[1, 2]", "'a' * 3", "(lambda: 1)()"],
)
def test_refuses_anything_but_arithmetic(expression: str) -> None:
    with pytest.raises(ToolError):
        evaluate(expression)


async def test_tool_output_shows_expression_and_result() -> None:
    out = await Calculator().run(CalculatorArgs(expression="17 * 23"), tool_context())
    assert out.content == "17 * 23 = 391"
