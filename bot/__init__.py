"""bot: one agent graph behind a Session, driven by terminal, Slack and Gradio presenters.

Importing this package is cheap: heavy parts (llama_cpp, chromadb, gradio, slack_bolt, ray)
are imported lazily through :mod:`bot.registry` when configuration asks for them.
"""

__version__ = "0.1.0"
