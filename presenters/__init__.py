"""Thin adapters from a surface (terminal, web, Slack) to ``Bot``/``Session`` and events.

A presenter never calls an LLM, a tool or the store directly; it renders each turn through
:class:`contracts.turn_view.TurnView`. Each exposes ``serve(bot: Bot) -> int``, blocking
until the surface stops, returning an exit code.
"""
