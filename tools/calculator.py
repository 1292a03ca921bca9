"""Safe arithmetic: the expression is parsed to an AST and only numbers and operators run."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from contracts.run_context import ToolRunContext
from contracts.tools import ToolError, ToolOutput

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos, ast.USub: operator.neg,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt, "abs": abs, "round": round, "min": min, "max": max,
    "log": math.log, "exp": math.exp, "sin": math.sin, "cos": math.cos, "tan": math.tan,
}
_CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_EXPONENT = 10_000
MAX_LENGTH = 500


def normalise(expression: str) -> str:
    """The expression as we compute it: ``^`` is power; a model's own "= guess" is dropped."""
    text = expression.replace("^", "**").replace("×", "*").replace("÷", "/").strip()
    return text.split("=")[0].strip() if text.count("=") == 1 else text


def evaluate(expression: str) -> float | int:
    """Value of an arithmetic expression; raises ToolError for anything else."""
    text = normalise(expression)
    if len(text) > MAX_LENGTH:
        raise ToolError(f"expression longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ToolError(f"not an arithmetic expression: {expression!r}") from exc
    try:
        return _eval(tree.body)
    except ZeroDivisionError as exc:
        raise ToolError("division by zero") from exc
    except (OverflowError, ValueError) as exc:
        raise ToolError(f"cannot compute: {exc}") from exc


def _eval(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.Name) and node.id in _CONSTANTS:
        return _CONSTANTS[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _eval(node.left), _eval(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ToolError(f"exponent above {MAX_EXPONENT}")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_eval(node.operand))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        fn = _FUNCTIONS.get(node.func.id)
        if fn is not None and not node.keywords:
            return fn(*(_eval(a) for a in node.args))
    raise ToolError(f"unsupported element in expression: {ast.dump(node)[:60]}")


def _format(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


class CalculatorArgs(BaseModel):
    expression: str = Field(description="arithmetic, e.g. '17 * 23' or 'sqrt(2) / 3'")


class Calculator:
    name = "calculator"
    description = "Evaluate an arithmetic expression exactly (+ - * / // % ** sqrt log ...)."
    Args = CalculatorArgs

    async def run(self, args: CalculatorArgs, ctx: ToolRunContext) -> ToolOutput:
        value = _format(evaluate(args.expression))
        return ToolOutput(content=f"{normalise(args.expression)} = {value}")
