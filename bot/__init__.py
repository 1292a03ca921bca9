"""bot: one agent graph behind a Session, driven by terminal, Slack and Gradio presenters.

``bot.contracts`` is the bottom layer every part agrees on; ``bot.llm`` and ``bot.store``
sit beside the agents and tools; the rest of this package is the composition root. Importing
it is cheap: heavy parts (openai, llama_cpp, chromadb, gradio, slack_bolt, ray) are imported
only when configuration uses them. docs/architecture.md has the picture and the rules.
"""

__version__ = "0.1.0"
