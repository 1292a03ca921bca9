"""Applications on top of the bot: the ``bot`` command line and the eval harness."""
