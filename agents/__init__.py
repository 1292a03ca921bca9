"""The agents: the tool-calling loop (``tools``) and the one-LLM-one-job pipeline.

They import the contracts and :mod:`judging` (the pipeline's router reads yes/no with the
answer extractor); the composition root picks one by configuration (:mod:`bot.catalog`).
"""
