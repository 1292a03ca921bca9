"""Tools an agent can call: clock, calculator, knowledge-base search, compare.

Each runs with the turn's :class:`~contracts.run_context.ToolRunContext`. Tools import
the contracts, :mod:`knowledge` and :mod:`judging`; never agents or presenters.
"""
