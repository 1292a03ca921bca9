"""Sources: connectors that bring a team's documents from where they live into the KB."""
