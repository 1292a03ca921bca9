"""Tool implementations: clock, calculator, knowledge-base search and ingestion."""
