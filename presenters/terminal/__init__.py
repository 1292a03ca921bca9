"""The terminal presenter: ``bot chat`` (a REPL) and ``bot ask`` (one question)."""
