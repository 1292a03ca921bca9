"""``bot eval``: the pairwise-judge bias report and the chat regression suite.

An app on top of the bot: it prints reports and sets exit codes. The judge and the extractor
come from :mod:`judging`; chat cases run through exactly the graph the presenters use.
"""
