"""``bot eval``: the pairwise-judge bias report and the chat regression suite.

Agents (the judge, the extractor) are found through :data:`bot.registry.EVALUATORS`, so
this package, like the rest of the core, never imports ``agents/`` directly.
"""
