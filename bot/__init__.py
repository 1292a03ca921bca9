"""bot: one agent graph behind a Session, driven by terminal, Slack and Gradio presenters.

This package is the composition root (Bot, Session, the turn runner, budgets, spaces): it
builds the graph from the layers below it — ``contracts`` at the bottom, ``backends``,
``stores``, ``knowledge``, ``sources``, ``judging``, ``agents`` and ``tools`` beside each
other. Importing it is cheap: heavy parts (openai, llama_cpp, chromadb, gradio, slack_bolt,
ray) are imported only when configuration uses them. docs/architecture.md has the picture
and the rules.
"""

__version__ = "0.1.0"
