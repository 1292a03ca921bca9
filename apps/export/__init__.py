"""``bot export``: data out of the store (fine-tuning JSONL)."""
