"""Conversations, turns, feedback and per-turn usage, keyed by session key."""

from bot.store.base import Store, TurnRecord, open_store

__all__ = ["Store", "TurnRecord", "open_store"]
