"""LLM backends behind one async streaming protocol (see :mod:`contracts.llm`)."""
