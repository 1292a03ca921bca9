"""The ``bot`` command line. Subcommand modules import only argparse at module level."""
