"""LLM backends behind one async streaming protocol (see :mod:`bot.contracts.llm`)."""
