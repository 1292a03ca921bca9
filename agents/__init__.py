"""Agent implementations: tool-calling primary, one-LLM-one-job pipeline, extractor, judge."""
